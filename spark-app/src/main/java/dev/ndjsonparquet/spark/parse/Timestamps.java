package dev.ndjsonparquet.spark.parse;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/** ISO-8601 timestamps and dates in JSON strings; a timestamp without an offset is read as UTC. */
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

    /**
     * The common form {@code yyyy-MM-ddTHH:mm:ss[.fraction]Z} without java.time's formatter (which costs
     * more than parsing the rest of a record); Long.MIN_VALUE when the text has another form.
     */
    static long parseUtcFast(String s) {
        int n = s.length();
        if (n < 20 || n > 30 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
                || s.charAt(13) != ':' || s.charAt(16) != ':' || s.charAt(n - 1) != 'Z') {
            return Long.MIN_VALUE;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23
                || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return Long.MIN_VALUE;
        }
        long micros = 0;
        if (n > 20) {
            if (s.charAt(19) != '.' || n - 21 > 9 || n - 21 < 1) {
                return Long.MIN_VALUE;
            }
            int frac = digits(s, 20, n - 21);
            if (frac < 0) {
                return Long.MIN_VALUE;
            }
            int scale = n - 21;
            long f = frac;
            for (int k = scale; k < 6; k++) {
                f *= 10;
            }
            for (int k = 6; k < scale; k++) {
                f /= 10;
            }
            micros = f;
        }
        if (day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
            return Long.MIN_VALUE;
        }
        long days = LocalDate.of(year, month, day).toEpochDay();
        return ((days * 24 + hour) * 60 + minute) * 60_000_000L + second * 1_000_000L + micros;
    }

    private static int digits(String s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static boolean hasOffset(String s) {
        int t = s.indexOf('T');
        if (t < 0) {
            return false;
        }
        return s.indexOf('+', t) > 0 || s.indexOf('-', t) > 0;
    }
}
