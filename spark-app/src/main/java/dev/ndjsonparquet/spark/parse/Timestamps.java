package dev.ndjsonparquet.spark.parse;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * ISO-8601 timestamps and dates in JSON strings (the reference converter's and the partition column's);
 * a timestamp without an offset is read as UTC. The common forms go through the fast parser's
 * {@link IsoBytes}, the others through java.time.
 */
public final class Timestamps {

    private Timestamps() {
    }

    /** Microseconds since the epoch, or null when the text is not an ISO-8601 timestamp. */
    static Long parseMicros(String text) {
        long fast = parseUtcFast(text);
        if (fast != Long.MIN_VALUE) {
            return fast;
        }
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
    public static Integer parseDays(String text) {
        if (text.length() == 10) {
            byte[] b = text.getBytes(StandardCharsets.US_ASCII);
            int days = b.length == 10 ? IsoBytes.isoDate(b, 0) : Integer.MIN_VALUE;
            return days == Integer.MIN_VALUE ? null : days;
        }
        Long micros = parseMicros(text);
        return micros == null ? null : (int) Math.floorDiv(micros, 86_400_000_000L);
    }

    /**
     * The common form {@code yyyy-MM-ddTHH:mm:ss[.fraction]Z} without java.time's formatter (which costs
     * more than parsing the rest of a record); Long.MIN_VALUE when the text has another form. The one
     * implementation is the fast parser's ({@link IsoBytes}); a non-ASCII character becomes {@code ?}, which
     * that form never accepts.
     */
    static long parseUtcFast(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        return IsoBytes.utcMicros(b, 0, b.length);
    }

    private static boolean hasOffset(String s) {
        int t = s.indexOf('T');
        if (t < 0) {
            return false;
        }
        return s.indexOf('+', t) > 0 || s.indexOf('-', t) > 0;
    }
}
