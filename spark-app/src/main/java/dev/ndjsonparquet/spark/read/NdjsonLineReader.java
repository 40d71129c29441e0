package dev.ndjsonparquet.spark.read;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads the lines of one split from a stream, without decoding them: each line is a byte range of an
 * internal buffer, valid until the next call. A line belongs to the split in which its first byte lies;
 * the last line of a split is read to its end even past the split. The {@code \n} and a trailing
 * {@code \r} are not part of the line; a UTF-8 byte-order mark at the start of a file is skipped.
 * A line longer than {@code maxLineBytes} is reported as too long, with its first bytes kept.
 */
public final class NdjsonLineReader {

    private static final int INITIAL_BUFFER = 1 << 20;

    private final InputStream in;
    private final long end;
    private final int maxLineBytes;
    private byte[] buf;
    private int bufStart;
    private int bufEnd;
    private long posOfBufStart;
    private boolean eof;
    private boolean atFileStart;

    // The current line.
    private byte[] lineBuf;
    private int lineOff;
    private int lineLen;
    private long lineStart;
    private long lineFullLength;
    private boolean lineTooLong;

    /**
     * @param in           the stream, positioned at {@code start - 1} when {@code start > 0}, else at 0
     * @param start        the split's first byte
     * @param end          the split's end (exclusive); {@code Long.MAX_VALUE} to read to the end of the stream
     * @param maxLineBytes lines longer than this are reported as too long
     */
    public NdjsonLineReader(InputStream in, long start, long end, int maxLineBytes) throws IOException {
        this.in = in;
        this.end = end;
        // Small splits (and tests) start small; the buffer grows to the longest line as needed.
        this.buf = new byte[(int) Math.max(4096, Math.min(INITIAL_BUFFER, end - start + 4096))];
        this.maxLineBytes = maxLineBytes;
        if (start == 0) {
            posOfBufStart = 0;
            atFileStart = true;
        } else {
            posOfBufStart = start - 1;
            // Skip to the first line that starts at or after 'start'.
            if (!fill()) {
                eof = true;
                return;
            }
            if (buf[bufStart] == '\n') {
                consume(1);
            } else {
                skipPastNewline();
            }
        }
    }

    /** Advances to the next line of the split; false when the split has no more lines. */
    public boolean next() throws IOException {
        if (bufStart == bufEnd && !fill()) {
            return false;
        }
        if (posOfBufStart >= end) {
            return false;
        }
        if (atFileStart) {
            atFileStart = false;
            skipByteOrderMark();
            if (bufStart == bufEnd && !fill()) {
                return false;
            }
        }
        lineStart = posOfBufStart;
        lineTooLong = false;
        int scanFrom = bufStart;
        while (true) {
            int nl = indexOfNewline(scanFrom, bufEnd);
            if (nl >= 0) {
                takeLine(bufStart, nl - bufStart);
                consume(nl - bufStart + 1);
                return true;
            }
            int pending = bufEnd - bufStart;
            if (pending > maxLineBytes) {
                readTooLongLine();
                return true;
            }
            scanFrom = bufEnd;
            int before = bufStart;
            if (!fill()) {
                // Last line of the stream, without a final newline.
                takeLine(bufStart, bufEnd - bufStart);
                consume(bufEnd - bufStart);
                return true;
            }
            scanFrom -= before - bufStart; // the buffer may have been compacted
        }
    }

    public byte[] lineBuffer() {
        return lineBuf;
    }

    public int lineOffset() {
        return lineOff;
    }

    public int lineLength() {
        return lineLen;
    }

    /** Absolute byte offset of the line's first byte in the (decompressed) file. */
    public long lineStart() {
        return lineStart;
    }

    public boolean lineTooLong() {
        return lineTooLong;
    }

    /** Length of the line in bytes, also when it was too long to keep. */
    public long lineFullLength() {
        return lineFullLength;
    }

    /**
     * The line at {@code off}, {@code len} bytes (newline excluded), found whole in the buffer: too long when over the
     * limit even though the buffer held it (the buffer starts at 1 MiB and grows past the limit, so a line over a
     * smaller limit, or in a file smaller than the buffer, is found here, not by {@link #readTooLongLine}).
     */
    private void takeLine(int off, int len) {
        if (len <= maxLineBytes) {
            setLine(off, len);
            return;
        }
        int keep = Math.min(maxLineBytes, 1 << 16);
        byte[] head = new byte[keep];
        System.arraycopy(buf, off, head, 0, keep);
        lineBuf = head;
        lineOff = 0;
        lineLen = keep;
        lineFullLength = len;
        lineTooLong = true;
    }

    private void setLine(int off, int len) {
        int l = len;
        if (l > 0 && buf[off + l - 1] == '\r') {
            l--;
        }
        lineBuf = buf;
        lineOff = off;
        lineLen = l;
        lineFullLength = len;
    }

    private void readTooLongLine() throws IOException {
        int keep = Math.min(maxLineBytes, 1 << 16);
        byte[] head = new byte[keep];
        System.arraycopy(buf, bufStart, head, 0, keep);
        long length = 0;
        while (true) {
            int nl = indexOfNewline(bufStart, bufEnd);
            if (nl >= 0) {
                length += nl - bufStart;
                consume(nl - bufStart + 1);
                break;
            }
            length += bufEnd - bufStart;
            consume(bufEnd - bufStart);
            if (!fill()) {
                break;
            }
        }
        lineBuf = head;
        lineOff = 0;
        lineLen = keep;
        lineFullLength = length;
        lineTooLong = true;
    }

    private void skipByteOrderMark() {
        if (bufEnd - bufStart >= 3 && (buf[bufStart] & 0xff) == 0xEF && (buf[bufStart + 1] & 0xff) == 0xBB
                && (buf[bufStart + 2] & 0xff) == 0xBF) {
            consume(3);
        }
    }

    private void skipPastNewline() throws IOException {
        while (true) {
            int nl = indexOfNewline(bufStart, bufEnd);
            if (nl >= 0) {
                consume(nl - bufStart + 1);
                return;
            }
            consume(bufEnd - bufStart);
            if (!fill()) {
                return;
            }
        }
    }

    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;

    private int indexOfNewline(int from, int to) {
        byte[] b = buf;
        int i = from;
        // Eight bytes at a time until a block holds a '\n' (a zero byte after XOR with '\n'), then byte by byte.
        while (i + 8 <= to) {
            long x = (long) LONGS.get(b, i) ^ (ONES * '\n');
            if (((x - ONES) & ~x & 0x8080808080808080L) != 0) {
                break;
            }
            i += 8;
        }
        for (; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void consume(int n) {
        bufStart += n;
        posOfBufStart += n;
    }

    /** Reads more bytes, compacting or growing the buffer; false at the end of the stream. */
    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        if (bufStart > 0 && bufEnd == buf.length) {
            System.arraycopy(buf, bufStart, buf, 0, bufEnd - bufStart);
            bufEnd -= bufStart;
            bufStart = 0;
        } else if (bufStart == bufEnd) {
            bufStart = 0;
            bufEnd = 0;
        }
        if (bufEnd == buf.length) {
            byte[] bigger = new byte[(int) Math.min((long) buf.length * 2, (long) maxLineBytes + INITIAL_BUFFER)];
            System.arraycopy(buf, 0, bigger, 0, bufEnd);
            buf = bigger;
        }
        int n = in.read(buf, bufEnd, buf.length - bufEnd);
        while (n == 0) {
            n = in.read(buf, bufEnd, buf.length - bufEnd);
        }
        if (n < 0) {
            eof = true;
            return false;
        }
        bufEnd += n;
        return true;
    }

    /** A line of only spaces, tabs and carriage returns: skipped, neither a row nor a bad record. */
    public static boolean isBlank(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            byte c = b[i];
            if (c != ' ' && c != '\t' && c != '\r') {
                return false;
            }
        }
        return true;
    }
}
