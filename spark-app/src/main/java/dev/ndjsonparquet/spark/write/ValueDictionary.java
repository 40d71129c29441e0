package dev.ndjsonparquet.spark.write;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A column chunk's dictionary: gives each distinct value an id in order of first appearance and keeps
 * the dictionary page (the values, plain-encoded, in id order) as it grows, so that
 * {@link #bytes()} is the dictionary page size parquet-java's fallback rule compares. Open addressing,
 * no boxing, no {@code Binary} objects.
 */
abstract class ValueDictionary {

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    protected final PageBytes page = new PageBytes(1 << 12);
    protected int size;
    protected int[] slots = new int[1024];
    protected int mask = slots.length - 1;

    int size() {
        return size;
    }

    int bytes() {
        return page.size();
    }

    byte[] page() {
        return page.array();
    }

    int id(long key) {
        throw new UnsupportedOperationException();
    }

    int id(byte[] a, int off, int len) {
        throw new UnsupportedOperationException();
    }

    void clear() {
        size = 0;
        page.reset();
        Arrays.fill(slots, 0);
    }

    static int mix(long h) {
        h *= 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29));
    }

    /** Fixed-width values (ints, longs, the raw bits of floats and doubles), keyed by their bits. */
    static final class Longs extends ValueDictionary {
        private final int width;
        private long[] keys = new long[1024];

        Longs(int width) {
            this.width = width;
        }

        @Override
        int id(long key) {
            int h = mix(key) & mask;
            while (true) {
                int s = slots[h];
                if (s == 0) {
                    break;
                }
                if (keys[h] == key) {
                    return s - 1;
                }
                h = (h + 1) & mask;
            }
            slots[h] = ++size;
            keys[h] = key;
            if (width == 4) {
                page.putInt((int) key);
            } else {
                page.putLong(key);
            }
            if (size * 2 > slots.length) {
                grow();
            }
            return size - 1;
        }

        private void grow() {
            int[] oldSlots = slots;
            long[] oldKeys = keys;
            slots = new int[oldSlots.length * 2];
            keys = new long[slots.length];
            mask = slots.length - 1;
            for (int i = 0; i < oldSlots.length; i++) {
                if (oldSlots[i] != 0) {
                    int h = mix(oldKeys[i]) & mask;
                    while (slots[h] != 0) {
                        h = (h + 1) & mask;
                    }
                    slots[h] = oldSlots[i];
                    keys[h] = oldKeys[i];
                }
            }
        }
    }

    /** Byte strings; with a length before each (BINARY) or not (FIXED_LEN_BYTE_ARRAY) in the page. */
    static final class Bytes extends ValueDictionary {
        private final boolean lengthPrefixed;
        private int[] offsets = new int[512];
        private int[] lengths = new int[512];
        private int[] hashes = new int[512];

        Bytes(boolean lengthPrefixed) {
            this.lengthPrefixed = lengthPrefixed;
        }

        @Override
        int id(byte[] a, int off, int len) {
            int hash = hash(a, off, len);
            int h = hash & mask;
            byte[] p = page.array();
            while (true) {
                int s = slots[h];
                if (s == 0) {
                    break;
                }
                int e = s - 1;
                if (hashes[e] == hash && lengths[e] == len
                        && Arrays.equals(p, offsets[e], offsets[e] + len, a, off, off + len)) {
                    return e;
                }
                h = (h + 1) & mask;
            }
            if (size == offsets.length) {
                offsets = Arrays.copyOf(offsets, size * 2);
                lengths = Arrays.copyOf(lengths, size * 2);
                hashes = Arrays.copyOf(hashes, size * 2);
            }
            if (lengthPrefixed) {
                page.putInt(len);
            }
            offsets[size] = page.size();
            lengths[size] = len;
            hashes[size] = hash;
            page.putBytes(a, off, len);
            slots[h] = ++size;
            if (size * 2 > slots.length) {
                grow();
            }
            return size - 1;
        }

        private void grow() {
            slots = new int[slots.length * 2];
            mask = slots.length - 1;
            for (int e = 0; e < size; e++) {
                int h = hashes[e] & mask;
                while (slots[h] != 0) {
                    h = (h + 1) & mask;
                }
                slots[h] = e + 1;
            }
        }

        static int hash(byte[] a, int off, int len) {
            long h = len;
            int i = 0;
            for (; i + 8 <= len; i += 8) {
                h = (h ^ (long) LONG.get(a, off + i)) * 0x9E3779B97F4A7C15L;
            }
            for (; i < len; i++) {
                h = (h ^ (a[off + i] & 0xff)) * 0x100000001B3L;
            }
            return mix(h);
        }
    }
}
