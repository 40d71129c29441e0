package dev.ndjsonparquet.spark.job;

import dev.ndjsonparquet.spark.output.ConversionResult;
import dev.ndjsonparquet.conversion.ConversionSettings;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestCodec;
import dev.ndjsonparquet.manifest.ManifestFile;
import dev.ndjsonparquet.spark.commit.ResultRecords;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.zip.GZIPOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The same conversion through Hadoop S3A against an S3 server running in the test JVM. */
class S3ConversionTest {

    private static final SparkSession SPARK = SharedSpark.get();

    @RegisterExtension
    static final S3aMockServer S3_MOCK = S3aMockServer.forSpark(SPARK, "landing", "lake");

    @Test
    void convertsFromS3ToS3WithTheMagicCommitter() throws IOException {
        S3Client s3 = S3_MOCK.createS3ClientV2();
        List<ManifestFile> files = new ArrayList<>();
        for (String name : List.of("gharchive_log.jsonl", "bluesky.json.gz")) {
            Path p = SharedSpark.corpus(name);
            String etag = s3.putObject(b -> b.bucket("landing").key("events/2026/" + name), RequestBody.fromFile(p)).eTag();
            files.add(new ManifestFile("s3a://landing/events/2026/" + name, Files.size(p), etag));
        }
        byte[] bad = "{\"id\":1}\n[\"array\"]\n".getBytes(StandardCharsets.UTF_8);
        String badEtag = s3.putObject(b -> b.bucket("landing").key("events/2026/bad.ndjson"), RequestBody.fromBytes(bad)).eTag();
        files.add(new ManifestFile("s3://landing/events/2026/bad.ndjson", bad.length, badEtag));
        files.add(new ManifestFile("s3a://landing/events/2026/never-uploaded.ndjson", 10, "\"0123\""));
        Manifest m = Manifest.of(Instant.parse("2026-11-26T01:00:00Z"), files, "s3a://lake/events", null);
        s3.putObject(b -> b.bucket("lake").key("manifests/" + m.manifestId() + ".json"),
                RequestBody.fromBytes(ManifestCodec.encode(m)));

        ManifestConversion.Outcome o = new ManifestConversion(SPARK, ConversionSettings.Values.defaults())
                .run("s3a://lake/manifests/" + m.manifestId() + ".json");
        ConversionResult r = o.result();
        assertEquals(50 + 10 + 2, r.linesRead());
        assertEquals(50 + 10 + 1, r.rowsWritten());
        assertEquals(1, r.badRecords());
        assertEquals(1, r.quarantinedFiles().size());
        assertEquals("object not found", r.quarantinedFiles().get(0).reason());
        assertTrue(r.dataLocation().startsWith("s3a://lake/events/ingest_date=2026-11-26/manifest_id=" + m.manifestId()));
        assertEquals(61, SPARK.read().parquet(r.dataLocation()).count());
        assertEquals(1, SPARK.read().parquet(r.badRecordsLocation()).count());

        List<String> keys = s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket("lake").build())
                .contents().stream().map(S3Object::key).toList();
        assertTrue(keys.contains("events/_results/" + m.manifestId() + ".json"), keys.toString());
        assertTrue(keys.stream().noneMatch(k -> k.contains("__magic") || k.contains("_temporary") || k.contains("_staging/m-")),
                "no committer or staging leftovers: " + keys);
        assertEquals("org.apache.spark.internal.io.cloud.PathOutputCommitProtocol",
                SPARK.conf().get("spark.sql.sources.commitProtocolClass"));

        ManifestConversion.Outcome again = new ManifestConversion(SPARK, ConversionSettings.Values.defaults())
                .run("s3a://lake/manifests/" + m.manifestId() + ".json");
        assertTrue(again.skipped());
    }

    /**
     * A gzip of 3,000 members read through S3A, whose default input stream (Hadoop 3.5's) reports nothing available:
     * Java 17's GZIPInputStream stopped at a member boundary there with no error (2,083 of 3,000 lines), in the
     * conversion and in the schema's sample alike.
     */
    @Test
    void everyMemberOfAManyMemberGzipIsReadThroughS3a() throws IOException {
        S3Client s3 = S3_MOCK.createS3ClientV2();
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        for (int i = 0; i < 3_000; i++) {
            ByteArrayOutputStream member = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(member)) {
                gz.write(("{\"id\":" + i + "}\n").getBytes(StandardCharsets.UTF_8));
            }
            file.writeBytes(member.toByteArray());
        }
        byte[] body = file.toByteArray();
        String etag = s3.putObject(b -> b.bucket("landing").key("members/many.ndjson.gz"), RequestBody.fromBytes(body)).eTag();
        String uri = "s3a://landing/members/many.ndjson.gz";
        Manifest m = Manifest.of(Instant.parse("2026-11-26T02:00:00Z"), List.of(new ManifestFile(uri, body.length, etag)),
                "s3a://lake/members", null);
        s3.putObject(b -> b.bucket("lake").key("manifests/" + m.manifestId() + ".json"),
                RequestBody.fromBytes(ManifestCodec.encode(m)));

        ConversionResult r = new ManifestConversion(SPARK, ConversionSettings.Values.defaults().withSchema("id BIGINT"))
                .run("s3a://lake/manifests/" + m.manifestId() + ".json").result();
        assertEquals(List.of(), r.quarantinedFiles());
        assertEquals(3_000, r.linesRead());
        assertEquals(3_000, SPARK.read().parquet(r.dataLocation()).select("id").distinct().count());

        SchemaSource.Sample sample = SchemaSource.sample(SPARK.sparkContext().hadoopConfiguration(), List.of(uri), 3_000,
                1 << 20, SchemaSource.SAMPLE_TOTAL_BYTES);
        assertEquals(3_000, sample.lines().size(), "the schema's sample reads past the first members too");
    }

    @Test
    void theResultRecordIsCreatedOnceWithAConditionalPut() throws IOException {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path("s3a://lake/once/_results/m-x.json");
        FileSystem fs = p.getFileSystem(SPARK.sparkContext().hadoopConfiguration());
        byte[] first = "{\"run\":1}".getBytes(StandardCharsets.UTF_8);
        assertTrue(ResultRecords.createOnce(fs, p, first));
        assertTrue(ResultRecords.createOnce(fs, p, first), "the same bytes again (a lost response) are ours");
        assertFalse(ResultRecords.createOnce(fs, p, "{\"run\":2}".getBytes(StandardCharsets.UTF_8)));
        S3Client s3 = S3_MOCK.createS3ClientV2();
        assertArrayEquals(first, s3.getObjectAsBytes(b -> b.bucket("lake").key("once/_results/m-x.json")).asByteArray());

        // A second driver whose S3A skips its own existence check before the upload (create performance mode), as two
        // drivers that both checked before either uploaded: only the conditional PUT keeps the first record.
        Configuration racing = new Configuration(SPARK.sparkContext().hadoopConfiguration());
        racing.setBoolean("fs.s3a.create.performance", true);
        try (FileSystem late = FileSystem.newInstance(p.toUri(), racing)) {
            assertFalse(ResultRecords.createOnce(late, p, "{\"run\":3}".getBytes(StandardCharsets.UTF_8)),
                    "the later run learns that it lost");
            assertTrue(ResultRecords.createOnce(late, p, first), "the winner's own bytes again are still its own");
        }
        assertArrayEquals(first, s3.getObjectAsBytes(b -> b.bucket("lake").key("once/_results/m-x.json")).asByteArray(),
                "the first record is kept");
    }
}
