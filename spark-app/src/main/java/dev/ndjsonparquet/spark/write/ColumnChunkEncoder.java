package dev.ndjsonparquet.spark.write;

import dev.ndjsonparquet.spark.columns.ColumnBatch;
import java.io.IOException;
import java.util.Arrays;
import org.apache.parquet.bytes.ByteBufferAllocator;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.BytesUtils;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveType;

/**
 * Encodes one leaf column's values into v1 data pages of a row group, a whole range of a batch's entries
 * per call, and hands the finished pages to parquet-java's page writer (which compresses them, keeps
 * the column and offset indexes and writes the chunk). It replaces parquet-java's {@code ColumnWriter}
 * (per value: two level writers, a values-writer chain, a statistics call and a size check): plain
 * values go straight into a reused byte buffer, dictionary ids into an int array, levels into byte
 * arrays; they are run-length encoded once per page.
 *
 * <p>The output is what parquet-java's v1 writer produces: levels RLE with a 4-byte length (none at a
 * maximum level of 0), PLAIN or PLAIN_DICTIONARY values, a PLAIN_DICTIONARY dictionary page, statistics
 * per page (none where the {@link EncodingPlan} turned them off), pages cut at row boundaries at the page
 * size or the page row limit. A dictionary that outgrows the dictionary page size ends the current page
 * and the rest of the chunk is plain (parquet-java's fallback, without re-encoding the current page).
 */
final class ColumnChunkEncoder implements AutoCloseable {

    private static final int BOOLEAN = 0;
    private static final int INT32 = 1;
    private static final int INT64 = 2;
    private static final int FLOAT = 3;
    private static final int DOUBLE = 4;
    private static final int BINARY = 5;
    private static final int FIXED = 6;

    private final PrimitiveType type;
    private final int mode;
    private final int maxDef;
    private final int maxRep;
    private final boolean statistics;
    private final boolean dictionaryEnabled;
    private final int pageBytes;
    private final int pageRows;
    private final int maxDictionaryBytes;
    private final ByteBufferAllocator allocator;
    private final RunLengthBitPackingHybridEncoder repEncoder;
    private final RunLengthBitPackingHybridEncoder defEncoder;
    private final PageBytes values = new PageBytes(1 << 16);
    private PageWriter pages;

    // The page being built.
    private byte[] reps = new byte[8192];
    private byte[] defs = new byte[8192];
    private int entries;
    private int rows;
    private int nulls;
    private int[] ids = new int[8192];
    private int idCount;
    private long bits;
    private Statistics<?> stats;
    private byte[] min = new byte[64];
    private byte[] max = new byte[64];
    private int minLen = -1;
    private int maxLen = -1;

    // The chunk's dictionary.
    private final ValueDictionary dictionary;
    private boolean dictionaryEncoding;
    private boolean dictionaryFull;

    ColumnChunkEncoder(ColumnDescriptor column, ParquetProperties props, int pageBytes) {
        this.type = column.getPrimitiveType();
        this.mode = switch (type.getPrimitiveTypeName()) {
            case BOOLEAN -> BOOLEAN;
            case INT32 -> INT32;
            case INT64 -> INT64;
            case FLOAT -> FLOAT;
            case DOUBLE -> DOUBLE;
            case BINARY -> BINARY;
            case FIXED_LEN_BYTE_ARRAY -> FIXED;
            default -> throw new IllegalArgumentException("unsupported column type " + type);
        };
        this.maxDef = column.getMaxDefinitionLevel();
        this.maxRep = column.getMaxRepetitionLevel();
        this.statistics = props.getStatisticsEnabled(column);
        this.dictionaryEnabled = props.isDictionaryEnabled(column) && mode != BOOLEAN;
        this.pageBytes = pageBytes;
        this.pageRows = props.getPageRowCountLimit();
        this.maxDictionaryBytes = props.getDictionaryPageSizeThreshold();
        this.allocator = props.getAllocator();
        this.repEncoder = maxRep == 0 ? null
                : new RunLengthBitPackingHybridEncoder(BytesUtils.getWidthFromMaxInt(maxRep), 1024, pageBytes, allocator);
        this.defEncoder = maxDef == 0 ? null
                : new RunLengthBitPackingHybridEncoder(BytesUtils.getWidthFromMaxInt(maxDef), 1024, pageBytes, allocator);
        this.dictionary = !dictionaryEnabled ? null
                : mode == BINARY ? new ValueDictionary.Bytes(true)
                : mode == FIXED ? new ValueDictionary.Bytes(false)
                : new ValueDictionary.Longs(mode == INT32 || mode == FLOAT ? 4 : 8);
        this.dictionaryEncoding = dictionaryEnabled;
        newPageStatistics();
    }

    /** Starts a row group's chunk: pages go to {@code pages} from now on. */
    void startChunk(PageWriter pages) {
        this.pages = pages;
    }

    /** Encodes entries {@code from..to} of the leaf; they are whole rows (entry {@code from} starts one). */
    void write(ColumnBatch.LeafBuffer l, int from, int to) throws IOException {
        byte[] lr = l.reps();
        byte[] ld = l.defs();
        long[] longs = l.longs();
        double[] doubles = l.doubles();
        int[] offsets = l.offsets();
        int[] lengths = l.lengths();
        byte[] arena = l.arena();
        for (int i = from; i < to; i++) {
            int r = lr[i];
            if (r == 0) {
                if (dictionaryFull) {
                    flushPage();
                    dictionaryEncoding = false;
                    dictionaryFull = false;
                } else if (rows >= pageRows || values.size() + 4L * idCount >= pageBytes) {
                    flushPage();
                }
                rows++;
            }
            if (entries == reps.length) {
                reps = Arrays.copyOf(reps, entries * 2);
                defs = Arrays.copyOf(defs, entries * 2);
            }
            int d = ld[i];
            reps[entries] = (byte) r;
            defs[entries] = (byte) d;
            entries++;
            if (d != maxDef) {
                nulls++;
                continue;
            }
            switch (mode) {
                case INT64 -> {
                    long v = longs[i];
                    if (dictionaryEncoding) {
                        id(dictionary.id(v));
                    } else {
                        values.putLong(v);
                    }
                    if (statistics) {
                        stats.updateStats(v);
                    }
                }
                case INT32 -> {
                    int v = (int) longs[i];
                    if (dictionaryEncoding) {
                        id(dictionary.id(v));
                    } else {
                        values.putInt(v);
                    }
                    if (statistics) {
                        stats.updateStats(v);
                    }
                }
                case DOUBLE -> {
                    double v = doubles[i];
                    long b = Double.doubleToRawLongBits(v);
                    if (dictionaryEncoding) {
                        id(dictionary.id(b));
                    } else {
                        values.putLong(b);
                    }
                    if (statistics) {
                        stats.updateStats(v);
                    }
                }
                case FLOAT -> {
                    float v = (float) doubles[i];
                    int b = Float.floatToRawIntBits(v);
                    if (dictionaryEncoding) {
                        id(dictionary.id(b));
                    } else {
                        values.putInt(b);
                    }
                    if (statistics) {
                        stats.updateStats(v);
                    }
                }
                case BINARY, FIXED -> {
                    int off = offsets[i];
                    int len = lengths[i];
                    if (dictionaryEncoding) {
                        id(dictionary.id(arena, off, len));
                    } else {
                        if (mode == BINARY) {
                            values.putInt(len);
                        }
                        values.putBytes(arena, off, len);
                    }
                    if (statistics) {
                        binaryStatistics(arena, off, len);
                    }
                }
                case BOOLEAN -> {
                    boolean v = longs[i] != 0;
                    values.putBit(bits++, v);
                    if (statistics) {
                        stats.updateStats(v);
                    }
                }
                default -> throw new IllegalStateException();
            }
        }
    }

    private void id(int id) {
        if (idCount == ids.length) {
            ids = Arrays.copyOf(ids, idCount * 2);
        }
        ids[idCount++] = id;
        if (dictionary.bytes() > maxDictionaryBytes) {
            dictionaryFull = true;
        }
    }

    /** Strings: min and max kept as bytes, compared unsigned as parquet-java's comparator for BINARY does. */
    private void binaryStatistics(byte[] a, int off, int len) {
        if (mode == FIXED) {
            // Decimals compare as signed integers: leave it to parquet-java (a rare column here).
            stats.updateStats(Binary.fromReusedByteArray(a, off, len));
            return;
        }
        if (minLen < 0 || Arrays.compareUnsigned(a, off, off + len, min, 0, minLen) < 0) {
            min = copy(a, off, len, min);
            minLen = len;
        }
        if (maxLen < 0 || Arrays.compareUnsigned(a, off, off + len, max, 0, maxLen) > 0) {
            max = copy(a, off, len, max);
            maxLen = len;
        }
    }

    private static byte[] copy(byte[] a, int off, int len, byte[] into) {
        byte[] to = into.length >= len ? into : new byte[Math.max(len, into.length * 2)];
        System.arraycopy(a, off, to, 0, len);
        return to;
    }

    private void newPageStatistics() {
        stats = statistics ? Statistics.createStats(type) : Statistics.noopStats(type);
    }

    /** Bytes held: pages written to the page writer and the page being built. */
    long bufferedBytes() {
        return (pages == null ? 0 : pages.getMemSize()) + values.size() + 4L * idCount + entries / 4;
    }

    private void flushPage() throws IOException {
        if (entries == 0) {
            return;
        }
        if (statistics && mode == BINARY && minLen >= 0) {
            stats.updateStats(Binary.fromConstantByteArray(Arrays.copyOf(min, minLen)));
            stats.updateStats(Binary.fromConstantByteArray(Arrays.copyOf(max, maxLen)));
        }
        stats.incrementNumNulls(nulls);
        BytesInput rl = levels(reps, repEncoder);
        BytesInput dl = levels(defs, defEncoder);
        RunLengthBitPackingHybridEncoder idEncoder = null;
        try {
            BytesInput data;
            Encoding encoding;
            if (dictionaryEncoding && idCount > 0) {
                int width = BytesUtils.getWidthFromMaxInt(dictionary.size() - 1);
                idEncoder = new RunLengthBitPackingHybridEncoder(width, 8192, pageBytes, allocator);
                for (int k = 0; k < idCount; k++) {
                    idEncoder.writeInt(ids[k]);
                }
                data = BytesInput.concat(BytesInput.from(new byte[] {(byte) width}), idEncoder.toBytes());
                encoding = Encoding.PLAIN_DICTIONARY;
            } else {
                data = values.view();
                encoding = Encoding.PLAIN;
            }
            pages.writePage(BytesInput.concat(rl, dl, data), entries, rows, stats,
                    repEncoder == null ? Encoding.BIT_PACKED : Encoding.RLE,
                    defEncoder == null ? Encoding.BIT_PACKED : Encoding.RLE, encoding);
        } finally {
            if (idEncoder != null) {
                idEncoder.close();
            }
            if (repEncoder != null) {
                repEncoder.reset();
            }
            if (defEncoder != null) {
                defEncoder.reset();
            }
        }
        entries = 0;
        rows = 0;
        nulls = 0;
        idCount = 0;
        bits = 0;
        values.reset();
        minLen = -1;
        maxLen = -1;
        newPageStatistics();
    }

    private BytesInput levels(byte[] levels, RunLengthBitPackingHybridEncoder encoder) throws IOException {
        if (encoder == null) {
            return BytesInput.empty();
        }
        for (int k = 0; k < entries; k++) {
            encoder.writeInt(levels[k]);
        }
        BytesInput b = encoder.toBytes();
        return BytesInput.concat(BytesInput.fromInt((int) b.size()), b);
    }

    /** Ends the row group's chunk: its last page, then its dictionary page; the next chunk starts afresh. */
    void endChunk() throws IOException {
        flushPage();
        if (dictionary != null) {
            if (dictionary.size() > 0) {
                pages.writeDictionaryPage(new DictionaryPage(BytesInput.from(dictionary.page(), 0, dictionary.bytes()),
                        dictionary.size(), Encoding.PLAIN_DICTIONARY));
            }
            dictionary.clear();
        }
        dictionaryEncoding = dictionaryEnabled;
        dictionaryFull = false;
        pages = null;
    }

    @Override
    public void close() {
        if (repEncoder != null) {
            repEncoder.close();
        }
        if (defEncoder != null) {
            defEncoder.close();
        }
    }
}
