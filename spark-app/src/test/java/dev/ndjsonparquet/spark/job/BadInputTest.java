package dev.ndjsonparquet.spark.job;

import dev.ndjsonparquet.spark.output.ConversionResult;
import dev.ndjsonparquet.conversion.SchemaMismatch;
import dev.ndjsonparquet.conversion.PartitionMode;
import dev.ndjsonparquet.conversion.ConversionSettings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broken input: every kind of bad line by reason and line number, odd files, corrupt gzip, type drift. */
class BadInputTest {

    private static final String SCHEMA = "id BIGINT, name STRING, n INT, tags ARRAY<STRING>";

    @TempDir
    Path dir;

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyKindOfBadLineIsABadRecordWithItsReasonAndLineNumber() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});      // BOM before line 1
        b.write(utf8("{\"id\":1,\"name\":\"a\"}\r\n"));                    // 1 good, CRLF
        b.write(utf8("{\"id\":2} xyz\n"));                                 // 2 trailing garbage
        b.write(utf8("{\"id\":3}{\"id\":4}\n"));                           // 3 two objects
        b.write(utf8("\n"));                                                // 4 blank
        b.write(utf8("[1,2]\n"));                                           // 5 array
        b.write(utf8("42\n"));                                              // 6 scalar
        b.write(utf8("{\"id\":7,\n"));                                      // 7 invalid JSON
        b.write(utf8("{\"id\":8,\"name\":\""));                             // 8 invalid UTF-8
        b.write(new byte[] {(byte) 0xFF, (byte) 0xFE});
        b.write(utf8("\"}\n"));
        b.write(utf8("   \t \r\n"));                                        // 9 blank (whitespace)
        b.write(utf8("{\"id\":\"ten\",\"n\":10}\n"));                      // 10 good, id rescued
        b.write(utf8("{\"id\":11,\"id\":12}\n"));                          // 11 duplicate key
        b.write(utf8("{\"id\":12,\"name\":\"" + "z".repeat(3 << 20) + "\"}\n")); // 12 good, 3 MB line
        b.write(utf8("{\"id\":13,\"surprise\":true}"));                     // 13 good, no final newline
        Path file = dir.resolve("mixed.ndjson");
        Files.write(file, b.toByteArray());

        ConversionSettings.Values s = ConversionSettings.Values.defaults().withSchema(SCHEMA)
                .withPartitionBy(PartitionMode.parse("none"));
        ConversionResult r = SharedSpark.convert(s, dir.resolve("out"), file).result();
        assertEquals(11, r.linesRead());
        assertEquals(2, r.blankLines());
        assertEquals(4, r.rowsWritten());
        assertEquals(7, r.badRecords());
        assertEquals(2, r.rowsWithRescuedData());

        Dataset<Row> bad = SharedSpark.get().read().parquet(r.badRecordsLocation());
        Map<Long, String> reasons = new TreeMap<>();
        for (Row row : bad.collectAsList()) {
            reasons.put(row.getAs("line_number"), row.getAs("reason"));
            assertEquals(file.toUri().toString(), row.getAs("source_file"));
        }
        assertEquals(List.of(2L, 3L, 5L, 6L, 7L, 8L, 11L), List.copyOf(reasons.keySet()));
        assertTrue(reasons.get(2L).startsWith("trailing content"), reasons.get(2L));
        assertEquals("more than one JSON value on the line", reasons.get(3L));
        assertEquals("not a JSON object: top-level array", reasons.get(5L));
        assertEquals("not a JSON object: top-level number", reasons.get(6L));
        assertTrue(reasons.get(7L).startsWith("invalid JSON"), reasons.get(7L));
        assertTrue(reasons.get(8L).startsWith("invalid UTF-8"), reasons.get(8L));
        assertTrue(reasons.get(11L).startsWith("duplicate key"), reasons.get(11L));
        assertEquals("{\"id\":2} xyz", bad.where("line_number = 2").first().getAs("raw_line"));

        Dataset<Row> rows = SharedSpark.get().read().parquet(r.dataLocation());
        assertEquals("{\"id\":\"ten\"}", rows.where("n = 10").first().getAs("_rescued_data"));
        assertEquals("{\"surprise\":true}", rows.where("id = 13").first().getAs("_rescued_data"));
        assertEquals(3 << 20, (int) rows.where("id = 12").selectExpr("length(name)").first().getInt(0));
        assertEquals(List.of(1L, 12L, 13L), rows.where("id IS NOT NULL").orderBy("id").select("id").as(
                org.apache.spark.sql.Encoders.LONG()).collectAsList().subList(0, 3));
    }

    @Test
    void longBadLinesAreCutAtTheDocumentedLength() throws IOException {
        Path file = dir.resolve("long.ndjson");
        Files.write(file, utf8("[\"" + "q".repeat(100_000) + "\"]\n"));
        ConversionResult r = SharedSpark.convert(ConversionSettings.Values.defaults(), dir.resolve("out"), file).result();
        Row row = SharedSpark.get().read().parquet(r.badRecordsLocation()).first();
        assertEquals(65_536, ((String) row.getAs("raw_line")).length());
        assertEquals(100_004L, (long) row.getAs("raw_line_bytes"));
        assertTrue((boolean) row.getAs("raw_line_truncated"));
    }

    @Test
    void aCorruptGzipIsQuarantinedWhileTheOtherFilesConvert() throws IOException {
        Path good = dir.resolve("good.ndjson.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(good))) {
            for (int i = 0; i < 1000; i++) {
                o.write(utf8("{\"id\":" + i + "}\n"));
            }
        }
        byte[] whole = Files.readAllBytes(good);
        Path truncated = dir.resolve("truncated.ndjson.gz");
        Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length / 2));
        Path notGzip = dir.resolve("plain-text.json.gz");
        Files.write(notGzip, utf8("{\"id\":1}\n"));
        Path empty = dir.resolve("empty.ndjson");
        Files.write(empty, new byte[0]);
        Path plain = dir.resolve("plain.ndjson");
        Files.write(plain, utf8("{\"id\":5000}\n{\"id\":5001}\n"));

        ConversionSettings.Values s = ConversionSettings.Values.defaults().withSchema("id BIGINT");
        ConversionResult r = SharedSpark.convert(s, dir.resolve("out"), good, truncated, notGzip, empty, plain).result();
        assertEquals(2, r.quarantinedFiles().size(), r.quarantinedFiles().toString());
        assertTrue(r.quarantinedFiles().stream().anyMatch(q -> q.path().endsWith("truncated.ndjson.gz")
                && q.reason().startsWith("corrupt or truncated compressed file")), r.quarantinedFiles().toString());
        assertTrue(r.quarantinedFiles().stream().anyMatch(q -> q.path().endsWith("plain-text.json.gz")));
        assertEquals(3, r.filesConverted());
        assertEquals(1002, r.rowsWritten());
        assertEquals(1002, r.linesRead());
        Dataset<Row> rows = SharedSpark.get().read().parquet(r.dataLocation());
        assertEquals(1002, rows.count());
        assertEquals(1002, rows.select("id").distinct().count(), "no row of the truncated file may remain");
    }

    private static byte[] gzipMember(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream o = new GZIPOutputStream(bytes)) {
            o.write(utf8(text));
        }
        return bytes.toByteArray();
    }

    /**
     * A gzip whose valid member is followed by junk, or by a next member cut inside its header, is corrupt: quarantined
     * with the reason, none of its rows kept (Java's GZIPInputStream ignored what followed and converted the first
     * member as if it were the file). A bgzip file (an empty member at the end) converts.
     */
    @Test
    void aGzipWithJunkOrACutHeaderAfterAMemberIsQuarantinedAndABgzipEndMarkerIsFine() throws IOException {
        byte[] first = gzipMember("{\"id\":1}\n{\"id\":2}\n");
        Path junk = dir.resolve("junk.ndjson.gz");
        Files.write(junk, concat(first, utf8("trailing junk, not gzip\n")));
        Path cut = dir.resolve("cut.ndjson.gz");
        Files.write(cut, concat(first, java.util.Arrays.copyOf(gzipMember("{\"id\":3}\n"), 6)));
        Path bgzip = dir.resolve("bgzip.ndjson.gz");
        Files.write(bgzip, concat(gzipMember("{\"id\":10}\n"), gzipMember("{\"id\":11}\n"), gzipMember("")));

        ConversionResult r = SharedSpark.convert(ConversionSettings.Values.defaults().withSchema("id BIGINT"),
                dir.resolve("out"), junk, cut, bgzip).result();
        Map<String, String> quarantined = new TreeMap<>();
        r.quarantinedFiles().forEach(q -> quarantined.put(q.path().substring(q.path().lastIndexOf('/') + 1), q.reason()));
        assertEquals(List.of("cut.ndjson.gz", "junk.ndjson.gz"), List.copyOf(quarantined.keySet()));
        assertTrue(quarantined.get("junk.ndjson.gz").startsWith("corrupt or truncated compressed file: IOException"),
                quarantined.toString());
        assertTrue(quarantined.get("cut.ndjson.gz").startsWith("corrupt or truncated compressed file: EOFException"),
                quarantined.toString());
        assertEquals(1, r.filesConverted());
        Dataset<Row> rows = SharedSpark.get().read().parquet(r.dataLocation());
        assertEquals(List.of(10L, 11L), rows.orderBy("id").select("id").as(org.apache.spark.sql.Encoders.LONG()).collectAsList());
        assertEquals(2, r.linesRead());
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void gzipBzip2AndZstandardInputsAreReadByExtension() throws IOException {
        byte[] body = utf8("{\"id\":1}\n{\"id\":2}\n\n{\"id\":3}\n");
        Path gz = dir.resolve("a.ndjson.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
            o.write(body);
        }
        Path bz2 = dir.resolve("b.jsonl.bz2");
        try (OutputStream o = new org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream(
                Files.newOutputStream(bz2))) {
            o.write(body);
        }
        Path zst = dir.resolve("c.json.zst");
        try (OutputStream o = new com.github.luben.zstd.ZstdOutputStream(Files.newOutputStream(zst))) {
            o.write(body);
        }
        ConversionResult r = SharedSpark.convert(ConversionSettings.Values.defaults().withSchema("id BIGINT"),
                dir.resolve("out"), gz, bz2, zst).result();
        assertEquals(List.of(), r.quarantinedFiles());
        assertEquals(9, r.rowsWritten());
        assertEquals(3, r.blankLines());
    }

    @Test
    void namesWithSpacesAndUnicodeArePercentEncodedInTheManifestAndStillRead() throws IOException {
        Path sub = Files.createDirectories(dir.resolve("landing zone"));
        Path file = sub.resolve("événements 01.ndjson");
        Files.write(file, utf8("{\"id\":1}\n{\"id\":2}\n"));
        ConversionResult r = SharedSpark.convert(ConversionSettings.Values.defaults().withSchema("id BIGINT"),
                dir.resolve("out put"), file).result();
        assertEquals(List.of(), r.quarantinedFiles());
        assertEquals(2, r.rowsWritten());
        assertTrue(Files.isDirectory(dir.resolve("out put").resolve("_results")), "the output directory keeps its name");
    }

    @Test
    void aMissingObjectIsQuarantined() throws IOException {
        Path present = dir.resolve("present.ndjson");
        Files.write(present, utf8("{\"id\":1}\n"));
        Path gone = dir.resolve("gone.ndjson");
        Files.write(gone, utf8("{\"id\":2}\n"));
        String manifest = SharedSpark.manifestOf(dir.resolve("out"), present, gone);
        Files.delete(gone);
        ConversionResult r = new ManifestConversion(SharedSpark.get(),
                ConversionSettings.Values.defaults().withSchema("id BIGINT")).run(manifest).result();
        assertEquals(1, r.rowsWritten());
        assertEquals("object not found", r.quarantinedFiles().get(0).reason());
    }

    @Test
    void typeDriftAsBadRecordsWhenAskedTo() throws IOException {
        Path file = dir.resolve("drift.ndjson");
        Files.write(file, utf8("{\"id\":1}\n{\"id\":\"two\"}\n{\"id\":3,\"other\":1}\n"));
        ConversionSettings.Values s = ConversionSettings.Values.defaults().withSchema("id BIGINT")
                .withMismatch(SchemaMismatch.BAD_RECORD);
        ConversionResult r = SharedSpark.convert(s, dir.resolve("out"), file).result();
        assertEquals(1, r.rowsWritten());
        assertEquals(2, r.badRecords());
        Dataset<Row> bad = SharedSpark.get().read().parquet(r.badRecordsLocation()).orderBy("line_number");
        assertEquals("schema mismatch: expected bigint, found string at 'id'", bad.first().getAs("reason"));
    }
}
