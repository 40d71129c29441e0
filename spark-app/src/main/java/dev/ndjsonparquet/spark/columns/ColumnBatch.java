package dev.ndjsonparquet.spark.columns;

import java.util.Arrays;

/**
 * Column buffers for a batch of rows: per leaf, the repetition and definition level of each entry and
 * its value (entries below the leaf's maximum definition level are nulls). A line is appended between
 * {@link #beginRow()} and {@link #commitRow()} / {@link #rollbackRow()}, so that a line found bad half
 * way leaves nothing behind. Strings are copied once into the leaf's byte arena.
 */
public final class ColumnBatch {

    /** A batch is written out once its values take this much memory, whatever its row count. */
    public static final long MAX_BYTES = 32L << 20;

    private final ColumnTree tree;
    private final LeafBuffer[] leaves;
    private final int capacity;
    private final int[] rowTag;
    private int rows;

    public ColumnBatch(ColumnTree tree, int capacity) {
        this.tree = tree;
        this.capacity = capacity;
        this.leaves = new LeafBuffer[tree.leaves().size()];
        for (int i = 0; i < leaves.length; i++) {
            ColumnTree.Leaf l = tree.leaves().get(i);
            leaves[i] = new LeafBuffer(l.kind, l.defPresent, capacity * 2);
        }
        this.rowTag = new int[capacity];
    }

    public ColumnTree tree() {
        return tree;
    }

    public LeafBuffer leaf(int i) {
        return leaves[i];
    }

    public int leafCount() {
        return leaves.length;
    }

    public int rows() {
        return rows;
    }

    /** Full at the row capacity, or earlier when the values take {@link #MAX_BYTES} (long lines). */
    public boolean full() {
        if (rows >= capacity) {
            return true;
        }
        long bytes = 0;
        for (LeafBuffer l : leaves) {
            bytes += l.bytes();
        }
        return bytes >= MAX_BYTES;
    }

    /** A caller-chosen tag of a committed row (the output partition it goes to). */
    public int rowTag(int row) {
        return rowTag[row];
    }

    public void setRowTag(int row, int tag) {
        rowTag[row] = tag;
    }

    public void beginRow() {
        for (LeafBuffer l : leaves) {
            l.mark();
        }
    }

    public void rollbackRow() {
        for (LeafBuffer l : leaves) {
            l.reset();
        }
    }

    /** Ends the row; returns its index in the batch. */
    public int commitRow() {
        return rows++;
    }

    public void clear() {
        rows = 0;
        for (LeafBuffer l : leaves) {
            l.clear();
        }
    }

    /** A null (or absent) value of {@code node}: every leaf below gets a null defined up to {@code def}. */
    public void nulls(ColumnTree.Node node, int rep, int def) {
        for (int i = node.firstLeaf; i <= node.lastLeaf; i++) {
            leaves[i].addNull(rep, def);
        }
    }

    /** One leaf's entries. Values are stored at the entry's index; nulls leave their slot unused. */
    public static final class LeafBuffer {
        public final ColumnTree.Kind kind;
        public final int maxDef;
        private int n;
        private byte[] rep;
        private byte[] def;
        private long[] longs;
        private double[] doubles;
        private int[] offsets;
        private int[] lengths;
        private byte[] arena;
        private int arenaUsed;
        private int markN;
        private int markArena;

        LeafBuffer(ColumnTree.Kind kind, int maxDef, int initial) {
            this.kind = kind;
            this.maxDef = maxDef;
            this.rep = new byte[initial];
            this.def = new byte[initial];
            switch (kind) {
                case DOUBLE, FLOAT -> doubles = new double[initial];
                case BINARY, DECIMAL_BINARY -> {
                    offsets = new int[initial];
                    lengths = new int[initial];
                    arena = new byte[initial * 32];
                }
                default -> longs = new long[initial];
            }
        }

        public int size() {
            return n;
        }

        public int rep(int i) {
            return rep[i];
        }

        public int def(int i) {
            return def[i];
        }

        public long longAt(int i) {
            return longs[i];
        }

        public double doubleAt(int i) {
            return doubles[i];
        }

        public byte[] arena() {
            return arena;
        }

        /** The arrays behind the accessors above, for writers that loop over a whole leaf (valid to {@link #size()}). */
        public byte[] reps() {
            return rep;
        }

        public byte[] defs() {
            return def;
        }

        /** Values of BOOLEAN, INT32 and INT64 leaves (null for the others). */
        public long[] longs() {
            return longs;
        }

        /** Values of FLOAT and DOUBLE leaves (null for the others). */
        public double[] doubles() {
            return doubles;
        }

        /** Where each BINARY value starts in {@link #arena()} (null for the other kinds). */
        public int[] offsets() {
            return offsets;
        }

        public int[] lengths() {
            return lengths;
        }

        public int offsetAt(int i) {
            return offsets[i];
        }

        public int lengthAt(int i) {
            return lengths[i];
        }

        void mark() {
            markN = n;
            markArena = arenaUsed;
        }

        void reset() {
            n = markN;
            arenaUsed = markArena;
        }

        void clear() {
            n = 0;
            arenaUsed = 0;
        }

        /** Index of the first entry of the row being built. */
        public int rowStart() {
            return markN;
        }

        private int slot(int r, int d) {
            if (n == rep.length) {
                int cap = n * 2;
                rep = Arrays.copyOf(rep, cap);
                def = Arrays.copyOf(def, cap);
                if (longs != null) {
                    longs = Arrays.copyOf(longs, cap);
                }
                if (doubles != null) {
                    doubles = Arrays.copyOf(doubles, cap);
                }
                if (offsets != null) {
                    offsets = Arrays.copyOf(offsets, cap);
                    lengths = Arrays.copyOf(lengths, cap);
                }
            }
            rep[n] = (byte) r;
            def[n] = (byte) d;
            return n++;
        }

        public void addNull(int r, int d) {
            slot(r, d);
        }

        // The slot first, then the array: slot() may replace the array, and in 'longs[slot(..)] = v' Java would
        // take the array before the call (a row of more values than the batch had room for failed with an
        // ArrayIndexOutOfBoundsException, issue 19).
        public void addLong(int r, long v) {
            int i = slot(r, maxDef);
            longs[i] = v;
        }

        public void addDouble(int r, double v) {
            int i = slot(r, maxDef);
            doubles[i] = v;
        }

        /** Copies {@code len} bytes as the value. */
        public void addBytes(int r, byte[] b, int off, int len) {
            int at = reserve(len);
            System.arraycopy(b, off, arena, at, len);
            commitBytes(r, at, len);
        }

        /** Room for {@code len} more bytes; returns where they go (then {@link #commitBytes}). */
        public int reserve(int len) {
            if (arenaUsed + len > arena.length) {
                arena = Arrays.copyOf(arena, Math.max(arena.length * 2, arenaUsed + len));
            }
            return arenaUsed;
        }

        /** Makes the bytes written at {@code at..at+len} the next value. */
        public void commitBytes(int r, int at, int len) {
            int i = slot(r, maxDef);
            offsets[i] = at;
            lengths[i] = len;
            arenaUsed = at + len;
        }

        /** Bytes used by values, to size row groups. */
        public long bytes() {
            return arenaUsed + (long) n * (longs != null || doubles != null ? 8 : 0);
        }
    }
}
