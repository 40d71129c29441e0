package dev.ndjsonparquet.spark;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/** ISO-8601 timestamps and dates in JSON strings; a timestamp without an offset is read as UTC. */
final class Timestamps {

    private Timestamps() {
    }

    /** Microseconds since the epoch, or null when the text is not an ISO-8601 timestamp. */
    static Long parseMicros(String text) {
        String s = text.length() > 10 && text.charAt(10) == ' ' ? text.substring(0, 10) + 'T' + text.substring(11) : text;
        try {
            Instant i;
            if (s.endsWith("Z") || s.endsWith("z")) {
                i = Instant.parse(s.toUpperCase(java.util.Locale.ROOT));
            } else if (hasOffset(s)) {
                i = OffsetDateTime.parse(s).toInstant();
            } else if (s.length() == 10) {
                i = LocalDate.parse(s).atStartOfDay().toInstant(ZoneOffset.UTC);
            } else {
                i = LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
            }
            return ChronoUnit.MICROS.between(Instant.EPOCH, i);
        } catch (DateTimeException | ArithmeticException e) {
            return null;
        }
    }

    /** Days since the epoch of an ISO date or of the date part (UTC) of an ISO timestamp, or null. */
    static Integer parseDays(String text) {
        try {
            if (text.length() == 10) {
                return (int) LocalDate.parse(text).toEpochDay();
            }
        } catch (DateTimeException e) {
            return null;
        }
        Long micros = parseMicros(text);
        return micros == null ? null : (int) Math.floorDiv(micros, 86_400_000_000L);
    }

    private static boolean hasOffset(String s) {
        int t = s.indexOf('T');
        if (t < 0) {
            return false;
        }
        return s.indexOf('+', t) > 0 || s.indexOf('-', t) > 0;
    }
}
