package dev.ndjsonparquet.spark.write;

import dev.ndjsonparquet.spark.commit.Checkpoints;
import dev.ndjsonparquet.spark.read.SplitLines;
import java.io.IOException;

/**
 * What both write paths (row and columnar) do with a split's lines before converting one: each line read is
 * reported to the checkpoints (where tests inject faults), and a line over the length limit goes to the bad
 * records with its reason instead of to the converter. A line the converter refuses goes there by {@link #reject},
 * one it throws on by {@link #rejectInternal}.
 */
final class ConvertibleLines {

    private final SplitLines lines;
    private final BadRecordWriter bad;
    private final Checkpoints checkpoints;
    private final int split;
    private LineFailures failures = LineFailures.NONE;

    ConvertibleLines(SplitLines lines, BadRecordWriter bad, Checkpoints checkpoints, int split) {
        this.lines = lines;
        this.bad = bad;
        this.checkpoints = checkpoints;
        this.split = split;
    }

    /** Moves to the next line short enough to convert; false at the end of the split. */
    boolean next() throws IOException {
        while (lines.next()) {
            checkpoints.lineRead(split, lines.nonBlankLines());
            if (!lines.tooLong()) {
                return true;
            }
            bad.write(split, lines.physicalLines(), lines.lineStart(), lines.tooLongReason(),
                    lines.buffer(), lines.offset(), lines.length(), lines.fullLength());
        }
        return false;
    }

    /** Tells the checkpoints that the current line is being converted (inside the caller's guard). */
    void converting() {
        checkpoints.converting(split, lines.nonBlankLines());
    }

    byte[] buffer() {
        return lines.buffer();
    }

    int offset() {
        return lines.offset();
    }

    int length() {
        return lines.length();
    }

    /** Writes the current line to the bad records with the converter's reason. */
    void reject(String reason) throws IOException {
        int len = lines.length();
        bad.write(split, lines.physicalLines(), lines.lineStart(), reason, lines.buffer(), lines.offset(), len, len);
    }

    /**
     * The last-resort guard: the converter threw on the current line, which becomes a bad record with reason
     * {@code internal error: <exception>} instead of failing the task (the caller has undone whatever of the line
     * it had kept); counted, the first one kept for the driver's log.
     */
    void rejectInternal(Throwable e) throws IOException {
        failures = failures.plus(lines.physicalLines(), e);
        reject(LineFailures.reason(e));
    }

    LineFailures failures() {
        return failures;
    }
}
