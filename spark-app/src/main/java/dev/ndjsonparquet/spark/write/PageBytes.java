package dev.ndjsonparquet.spark.write;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.apache.parquet.bytes.BytesInput;

/**
 * A growable little-endian byte buffer for one page's values (or a dictionary page), reused from page to
 * page: plain values are put here directly instead of through parquet-java's per-value
 * {@code ValuesWriter} / {@code LittleEndianDataOutputStream} / {@code CapacityByteArrayOutputStream}
 * chain, which was most of the writer's own cost in the profile.
 */
final class PageBytes {

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private byte[] buf;
    private int size;

    PageBytes(int initial) {
        buf = new byte[initial];
    }

    int size() {
        return size;
    }

    void reset() {
        size = 0;
    }

    private void room(int n) {
        if (size + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
        }
    }

    void putByte(int b) {
        room(1);
        buf[size++] = (byte) b;
    }

    void putInt(int v) {
        room(4);
        INT.set(buf, size, v);
        size += 4;
    }

    void putLong(long v) {
        room(8);
        LONG.set(buf, size, v);
        size += 8;
    }

    void putBytes(byte[] b, int off, int len) {
        room(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    /** Sets bit {@code bit} (counted from the first byte, least significant bit first); grows with zeros. */
    void putBit(long bit, boolean value) {
        int at = (int) (bit >>> 3);
        if (at >= size) {
            room(at + 1 - size);
            Arrays.fill(buf, size, at + 1, (byte) 0);
            size = at + 1;
        }
        if (value) {
            buf[at] |= (byte) (1 << (bit & 7));
        }
    }

    /** The bytes written so far, not copied: valid until the next write or reset. */
    BytesInput view() {
        return BytesInput.from(buf, 0, size);
    }

    byte[] array() {
        return buf;
    }
}
