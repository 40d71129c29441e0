package dev.ndjsonparquet.spark.parse;

/**
 * ISO-8601 timestamps and dates read from UTF-8 bytes without allocating: the same accepted forms and
 * results as {@code Timestamps.parseUtcFast} and {@code LocalDate.parse} of a ten-character date.
 */
final class IsoBytes {

    private IsoBytes() {
    }

    /** {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} as microseconds since the epoch (fraction truncated); Long.MIN_VALUE otherwise. */
    static long utcMicros(byte[] b, int off, int n) {
        if (n < 20 || n > 30 || b[off + 4] != '-' || b[off + 7] != '-' || b[off + 10] != 'T'
                || b[off + 13] != ':' || b[off + 16] != ':' || b[off + n - 1] != 'Z') {
            return Long.MIN_VALUE;
        }
        int year = digits(b, off, 4);
        int month = digits(b, off + 5, 2);
        int day = digits(b, off + 8, 2);
        int hour = digits(b, off + 11, 2);
        int minute = digits(b, off + 14, 2);
        int second = digits(b, off + 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23
                || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return Long.MIN_VALUE;
        }
        long micros = 0;
        if (n > 20) {
            int scale = n - 21;
            if (b[off + 19] != '.' || scale > 9 || scale < 1) {
                return Long.MIN_VALUE;
            }
            int frac = digits(b, off + 20, scale);
            if (frac < 0) {
                return Long.MIN_VALUE;
            }
            long f = frac;
            for (int k = scale; k < 6; k++) {
                f *= 10;
            }
            for (int k = 6; k < scale; k++) {
                f /= 10;
            }
            micros = f;
        }
        if (day > monthLength(year, month)) {
            return Long.MIN_VALUE;
        }
        long days = epochDay(year, month, day);
        return ((days * 24 + hour) * 60 + minute) * 60_000_000L + second * 1_000_000L + micros;
    }

    /** {@code yyyy-MM-dd} at {@code off} (ten bytes) as days since the epoch; Integer.MIN_VALUE when invalid. */
    static int isoDate(byte[] b, int off) {
        if (b[off + 4] != '-' || b[off + 7] != '-') {
            return Integer.MIN_VALUE;
        }
        int year = digits(b, off, 4);
        int month = digits(b, off + 5, 2);
        int day = digits(b, off + 8, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > monthLength(year, month)) {
            return Integer.MIN_VALUE;
        }
        return (int) epochDay(year, month, day);
    }

    private static int digits(byte[] b, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            int c = b[i] - '0';
            if (c < 0 || c > 9) {
                return -1;
            }
            v = v * 10 + c;
        }
        return v;
    }

    private static int monthLength(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** Days from 1970-01-01 in the proleptic Gregorian calendar (as {@code LocalDate.toEpochDay}). */
    static long epochDay(int year, int month, int day) {
        long y = year;
        long total = 365 * y;
        if (y >= 0) {
            total += (y + 3) / 4 - (y + 99) / 100 + (y + 399) / 400;
        } else {
            total -= y / -4 - y / -100 + y / -400;
        }
        total += (367 * month - 362) / 12;
        total += day - 1;
        if (month > 2) {
            total--;
            if (!(year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))) {
                total--;
            }
        }
        return total - 719_528;
    }
}
