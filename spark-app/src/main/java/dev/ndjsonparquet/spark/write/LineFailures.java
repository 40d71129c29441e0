package dev.ndjsonparquet.spark.write;

import java.io.Serializable;

/**
 * The last-resort guard's record of a split: lines whose parse or conversion threw (a defect of this engine, not of
 * the line, which every known case turns into a row, a rescued value or a bad record with its own reason). Each such
 * line becomes a bad record with reason {@code internal error: <exception>} instead of failing the task, and
 * with it the manifest; the first one is kept with its stack so that the driver can log it once per manifest.
 *
 * @param count          lines that failed so
 * @param firstLine      the first one's line number within the split (1-based, blank lines included), 0 when none
 * @param firstDetail    the first one's exception and top stack frames, or null
 */
public record LineFailures(long count, long firstLine, String firstDetail) implements Serializable {

    public static final LineFailures NONE = new LineFailures(0, 0, null);
    static final String REASON_PREFIX = "internal error: ";
    private static final int MAX_REASON = 1_000;
    private static final int FRAMES = 8;

    /** The bad-record reason of a line whose conversion threw {@code e}. */
    static String reason(Throwable e) {
        String r = REASON_PREFIX + e;
        return r.length() <= MAX_REASON ? r : r.substring(0, MAX_REASON) + "...";
    }

    /** This record with one more failure at {@code line}. */
    LineFailures plus(long line, Throwable e) {
        if (count > 0) {
            return new LineFailures(count + 1, firstLine, firstDetail);
        }
        StringBuilder detail = new StringBuilder(reason(e));
        StackTraceElement[] frames = e.getStackTrace();
        for (int i = 0; i < Math.min(FRAMES, frames.length); i++) {
            detail.append("\n\tat ").append(frames[i]);
        }
        return new LineFailures(1, line, detail.toString());
    }
}
