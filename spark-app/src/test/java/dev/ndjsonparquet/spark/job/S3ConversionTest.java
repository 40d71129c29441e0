package dev.ndjsonparquet.spark.job;

import dev.ndjsonparquet.spark.output.ConversionResult;
import dev.ndjsonparquet.conversion.ConversionSettings;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestCodec;
import dev.ndjsonparquet.manifest.ManifestFile;
import dev.ndjsonparquet.spark.commit.ResultRecords;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
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
import software.amazon.awssdk.services.s3.model.S3Exception;
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
        // The server refuses the overwrite itself, not only S3A's check before it.
        S3Exception refused = assertThrows(S3Exception.class, () -> s3.putObject(b -> b.bucket("lake")
                .key("once/_results/m-x.json").ifNoneMatch("*"), RequestBody.fromString("{}")));
        assertEquals(412, refused.statusCode());
    }
}
