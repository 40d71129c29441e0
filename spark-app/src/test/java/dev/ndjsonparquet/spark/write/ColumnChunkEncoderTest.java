package dev.ndjsonparquet.spark.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.conversion.SchemaMismatch;
import dev.ndjsonparquet.spark.parse.JsonRowConverter;
import dev.ndjsonparquet.spark.job.LocalSpark;
import dev.ndjsonparquet.spark.columns.ColumnBatch;
import dev.ndjsonparquet.spark.columns.ColumnTree;
import dev.ndjsonparquet.spark.parse.LineToColumns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The columnar writer's own page encoders against parquet-java's {@code ColumnWriter}s (what the writer
 * used before, kept here as the reference): the same rows, every physical type, nulls, lists and
 * structs, small pages and row groups so that chunks have many pages, a dictionary that overflows and
 * falls back to plain mid-chunk, a column without statistics, both the whole-batch and the row-by-row
 * paths. Both files must read back the same (parquet-java's record reader and Spark's vectorized
 * reader) and carry the same chunk statistics.
 */
class ColumnChunkEncoderTest {

    private static final StructType SCHEMA = StructType.fromDDL("s STRING, u STRING, l BIGINT, i INT, "
            + "d DOUBLE, f FLOAT, b BOOLEAN, dt DATE, dec DECIMAL(30,2), tags ARRAY<STRING>, "
            + "st STRUCT<x: BIGINT, y: STRING, z: ARRAY<DOUBLE>>");
    private static final StructType FULL = SCHEMA.add(JsonRowConverter.RESCUED_COLUMN, DataTypes.StringType);
    private static final int ROWS = 30_000;
    private static final int BATCH = 1_000;

    @TempDir
    Path dir;

    @Test
    void ownEncodersWriteWhatParquetJavasColumnWritersWrite() throws Exception {
        MessageType parquet = ParquetSchemas.of(FULL);
        ParquetProperties props = ParquetProperties.builder()
                .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
                .withPageSize(16 << 10)
                .withDictionaryPageSize(2 << 10)
                .withDictionaryEncoding(true)
                .withDictionaryEncoding("u", false)
                .withStatisticsEnabled("u", false)
                .withSizeStatisticsEnabled(false)
                .withAllocator(new RecyclingAllocator())
                .build();
        List<String> lines = lines();
        Path ours = dir.resolve("ours.parquet");
        Path reference = dir.resolve("reference.parquet");
        ZstdPageCompressor zstd = new ZstdPageCompressor(1);
        try (ParquetColumnFile f = new ParquetColumnFile(new LocalOutputFile(ours), parquet, props, zstd,
                ParquetSchemas.footer(FULL), Long.MAX_VALUE)) {
            int[] n = {0};
            batches(lines, b -> {
                if (n[0]++ % 2 == 0) {
                    f.writeBatch(b);
                } else {
                    int[] cursors = new int[b.leafCount()];
                    for (int r = 0; r < b.rows(); r++) {
                        f.writeRow(b, cursors);
                    }
                }
                if (n[0] % 7 == 0) {
                    f.endRowGroup();
                }
            });
        }
        writeWithColumnWriters(reference, parquet, props, zstd, lines);
        zstd.release();

        assertEquals(records(reference), records(ours));
        SparkSession spark = LocalSpark.start(1, "encoder-test");
        List<String> a = spark.read().parquet(reference.toString()).collectAsList().stream().map(Row::toString)
                .collect(Collectors.toList());
        List<String> b = spark.read().parquet(ours.toString()).collectAsList().stream().map(Row::toString)
                .collect(Collectors.toList());
        assertEquals(ROWS, b.size());
        assertEquals(a, b);

        try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(ours));
             ParquetFileReader e = ParquetFileReader.open(new LocalInputFile(reference))) {
            List<BlockMetaData> groups = r.getFooter().getBlocks();
            assertEquals(e.getFooter().getBlocks().size(), groups.size());
            assertTrue(groups.size() >= 4, "several row groups: " + groups.size());
            boolean fellBack = false;
            for (int g = 0; g < groups.size(); g++) {
                BlockMetaData block = groups.get(g);
                BlockMetaData expected = e.getFooter().getBlocks().get(g);
                assertEquals(expected.getRowCount(), block.getRowCount());
                for (int c = 0; c < block.getColumns().size(); c++) {
                    ColumnChunkMetaData chunk = block.getColumns().get(c);
                    ColumnChunkMetaData want = expected.getColumns().get(c);
                    String what = chunk.getPath() + " in row group " + g;
                    assertEquals(want.getValueCount(), chunk.getValueCount(), what);
                    assertEquals(stats(want.getStatistics()), stats(chunk.getStatistics()), what);
                    fellBack |= chunk.getEncodings().contains(Encoding.PLAIN_DICTIONARY)
                            && chunk.getEncodings().contains(Encoding.PLAIN);
                }
                assertTrue(r.readOffsetIndex(block.getColumns().get(0)).getPageCount() > 1, "pages are cut");
            }
            assertTrue(fellBack, "a dictionary outgrew its page and the chunk went on plain");
            String u = groups.get(0).getColumns().get(1).getPath().toDotString();
            assertEquals("u", u);
            assertTrue(groups.get(0).getColumns().get(1).getStatistics().isEmpty(), "no statistics on u");
            assertTrue(!groups.get(0).getColumns().get(1).getEncodings().contains(Encoding.PLAIN_DICTIONARY));
        }
    }

    private static String stats(Statistics<?> s) {
        return s.isEmpty() ? "empty" : s.hasNonNullValue()
                ? s.minAsString() + ".." + s.maxAsString() + " nulls " + s.getNumNulls() : "nulls " + s.getNumNulls();
    }

    /** Random rows: a low-cardinality string that later turns high (dictionary overflow), nulls everywhere. */
    private static List<String> lines() {
        SplittableRandom r = new SplittableRandom(15);
        List<String> out = new ArrayList<>();
        for (int k = 0; k < ROWS; k++) {
            StringBuilder sb = new StringBuilder("{");
            String s = k < ROWS / 3 ? "v" + r.nextInt(20) : "w" + r.nextInt(1_000_000);
            field(sb, "s", r.nextInt(10) == 0 ? null : '"' + s + '"');
            field(sb, "u", r.nextInt(20) == 0 ? null : "\"id-" + Long.toHexString(r.nextLong()) + "-é\"");
            field(sb, "l", r.nextInt(10) == 0 ? null : Long.toString(r.nextLong(-1_000_000, 1_000_000)));
            field(sb, "i", r.nextInt(10) == 0 ? null : Integer.toString(r.nextInt(100) - 50));
            field(sb, "d", r.nextInt(10) == 0 ? null : r.nextInt(4) == 0 ? "-0.0" : Double.toString(r.nextDouble() * 100 - 50));
            field(sb, "f", r.nextInt(10) == 0 ? null : Integer.toString(r.nextInt(1000)) + ".25");
            field(sb, "b", r.nextInt(10) == 0 ? null : Boolean.toString(r.nextBoolean()));
            field(sb, "dt", r.nextInt(10) == 0 ? null : "\"2025-0" + (1 + r.nextInt(9)) + "-1" + r.nextInt(10) + "\"");
            field(sb, "dec", r.nextInt(5) == 0 ? null : (r.nextBoolean() ? "-" : "") + r.nextInt(1_000_000) + "." + r.nextInt(10) + r.nextInt(10));
            StringBuilder tags = new StringBuilder("[");
            int n = r.nextInt(4);
            for (int t = 0; t < n; t++) {
                tags.append(t == 0 ? "" : ",").append(r.nextInt(8) == 0 ? "null" : "\"t" + r.nextInt(30) + '"');
            }
            field(sb, "tags", r.nextInt(8) == 0 ? null : tags.append(']').toString());
            String z = r.nextInt(3) == 0 ? "null" : r.nextInt(3) == 0 ? "[]" : "[" + r.nextInt(5) + ".5," + r.nextInt(5) + "]";
            field(sb, "st", r.nextInt(8) == 0 ? null : "{\"x\":" + (r.nextInt(5) == 0 ? "null" : r.nextInt(1000))
                    + ",\"y\":" + (r.nextInt(5) == 0 ? "null" : "\"y" + r.nextInt(3) + '"') + ",\"z\":" + z + "}");
            out.add(sb.append('}').toString().replace("{,", "{"));
        }
        return out;
    }

    private static void field(StringBuilder sb, String name, String json) {
        if (json != null) {
            sb.append(",\"").append(name).append("\":").append(json);
        }
    }

    interface BatchConsumer {
        void accept(ColumnBatch b) throws IOException;
    }

    private static void batches(List<String> lines, BatchConsumer consumer) throws IOException {
        ColumnBatch batch = new ColumnBatch(ColumnTree.of(FULL, ParquetSchemas.of(FULL)), BATCH);
        LineToColumns convert = new LineToColumns(batch, SCHEMA, SchemaMismatch.RESCUE);
        for (String line : lines) {
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            assertEquals(LineToColumns.Outcome.ROW, convert.convert(b, 0, b.length), line);
            batch.commitRow();
            if (batch.rows() == BATCH) {
                consumer.accept(batch);
                batch.clear();
            }
        }
        if (batch.rows() > 0) {
            consumer.accept(batch);
        }
    }

    /** The reference: parquet-java's column writers, one value at a time, row groups cut at the same rows. */
    private static void writeWithColumnWriters(Path out, MessageType schema, ParquetProperties props,
                                               ZstdPageCompressor zstd, List<String> lines) throws IOException {
        ParquetFileWriter file = new ParquetFileWriter(new LocalOutputFile(out), schema, ParquetFileWriter.Mode.CREATE,
                Long.MAX_VALUE, 0, null, props);
        file.start();
        List<ColumnDescriptor> columns = schema.getColumns();
        Object[] state = new Object[3];
        int[] ordinal = {0};
        long[] rows = {0};
        Runnable newStore = () -> {
            ColumnChunkPageWriteStore pages = new ColumnChunkPageWriteStore(zstd, schema, props.getAllocator(),
                    props.getColumnIndexTruncateLength(), props.getPageWriteChecksumEnabled(), null, ordinal[0]++);
            state[0] = pages;
            state[1] = props.newColumnWriteStore(schema, pages, pages);
        };
        BatchConsumer endGroup = b -> {
            ColumnChunkPageWriteStore pages = (ColumnChunkPageWriteStore) state[0];
            ColumnWriteStore store = (ColumnWriteStore) state[1];
            if (rows[0] > 0) {
                file.startBlock(rows[0]);
                store.flush();
                pages.flushToFileWriter(file);
                file.endBlock();
            }
            store.close();
            pages.close();
            rows[0] = 0;
        };
        newStore.run();
        int[] n = {0};
        batches(lines, b -> {
            ColumnWriteStore store = (ColumnWriteStore) state[1];
            int[] cursors = new int[b.leafCount()];
            for (int row = 0; row < b.rows(); row++) {
                for (int i = 0; i < columns.size(); i++) {
                    ColumnBatch.LeafBuffer l = b.leaf(i);
                    ColumnWriter w = store.getColumnWriter(columns.get(i));
                    int c = cursors[i];
                    do {
                        int r = l.rep(c);
                        int d = l.def(c);
                        if (d != l.maxDef) {
                            w.writeNull(r, d);
                        } else {
                            switch (l.kind) {
                                case BINARY, DECIMAL_BINARY ->
                                        w.write(Binary.fromReusedByteArray(l.arena(), l.offsetAt(c), l.lengthAt(c)), r, d);
                                case INT64 -> w.write(l.longAt(c), r, d);
                                case INT32 -> w.write((int) l.longAt(c), r, d);
                                case DOUBLE -> w.write(l.doubleAt(c), r, d);
                                case FLOAT -> w.write((float) l.doubleAt(c), r, d);
                                case BOOLEAN -> w.write(l.longAt(c) != 0, r, d);
                                default -> throw new IllegalStateException(l.kind.toString());
                            }
                        }
                        c++;
                    } while (c < l.size() && l.rep(c) != 0);
                    cursors[i] = c;
                }
                store.endRecord();
                rows[0]++;
            }
            if (++n[0] % 7 == 0) {
                endGroup.accept(b);
                newStore.run();
            }
        });
        endGroup.accept(null);
        file.end(ParquetSchemas.footer(FULL));
    }

    private static List<String> records(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        try (ParquetReader<Group> r = ParquetReader.builder(new GroupReadSupport(), new org.apache.hadoop.fs.Path(file.toUri()))
                .build()) {
            for (Group g = r.read(); g != null; g = r.read()) {
                out.add(g.toString());
            }
        }
        assertEquals(ROWS, out.size());
        return out;
    }
}
