package dev.ndjsonparquet.spark.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.conversion.IcebergSettings;
import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestCodec;
import dev.ndjsonparquet.manifest.ManifestFile;
import dev.ndjsonparquet.spark.job.ManifestConversion;
import dev.ndjsonparquet.spark.job.S3aMockServer;
import dev.ndjsonparquet.spark.output.ConversionResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Output mode Iceberg on S3 (S3A, magic committer) with the local catalog, against the in-JVM S3 server. Its
 * buckets are its own: S3A caches a file system per bucket, which would keep another test's server's port.
 */
class IcebergS3Test {

    private static final SparkSession SPARK = IcebergFixture.session();

    @RegisterExtension
    static final S3aMockServer S3_MOCK = S3aMockServer.forSpark(SPARK, "ice-landing", "ice-lake");

    @TempDir
    Path dir;

    @Test
    void convertsFromS3IntoAnIcebergTableOnS3() throws Exception {
        S3Client s3 = S3_MOCK.createS3ClientV2();
        Path local = IcebergFixture.input(dir, "a.ndjson", 0, 700, 2);
        String etag = s3.putObject(b -> b.bucket("ice-landing").key("events/a.ndjson"), RequestBody.fromFile(local)).eTag();
        Manifest m = Manifest.of(Instant.parse("2026-11-26T01:00:00Z"),
                List.of(new ManifestFile("s3://ice-landing/events/a.ndjson", Files.size(local), etag)), "s3a://ice-lake/events", null);
        s3.putObject(b -> b.bucket("ice-lake").key("manifests/" + m.manifestId() + ".json"),
                RequestBody.fromBytes(ManifestCodec.encode(m)));
        IcebergSettings catalog = IcebergFixture.localCatalog(dir, "s3a://ice-lake/warehouse");

        ConversionResult r = new ManifestConversion(SPARK, IcebergFixture.settings(catalog))
                .run("s3a://ice-lake/manifests/" + m.manifestId() + ".json").result();

        Table t = IcebergFixture.load(catalog, IcebergFixture.TABLE, SPARK.sparkContext().hadoopConfiguration());
        List<Record> rows = IcebergFixture.rows(t);
        assertEquals(700, rows.size());
        Set<Long> ids = new HashSet<>();
        rows.forEach(row -> assertTrue(ids.add((Long) row.getField("id"))));
        assertEquals(700, r.rowsWritten());
        assertEquals(2, r.badRecords());
        assertEquals(t.currentSnapshot().snapshotId(), r.iceberg().snapshotId());
        List<String> files = new ArrayList<>();
        t.currentSnapshot().addedDataFiles(t.io()).forEach(f -> files.add(f.location()));
        assertTrue(files.stream().allMatch(f -> f.startsWith("s3a://ice-lake/warehouse/lake/events/data/manifest_id="
                + m.manifestId() + "/run=")), files.toString());
        assertEquals(2, IcebergFixture.rows(IcebergFixture.load(catalog, IcebergFixture.BAD_TABLE,
                SPARK.sparkContext().hadoopConfiguration())).size());

        List<String> keys = s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket("ice-lake").build())
                .contents().stream().map(S3Object::key).toList();
        assertTrue(keys.contains("events/_results/" + m.manifestId() + ".json"), keys.toString());
        assertTrue(keys.stream().noneMatch(k -> k.startsWith("events/ingest_date=") || k.contains("__magic")),
                "no plain Parquet table and no committer leftovers: " + keys);
    }

    /**
     * A killed run leaves the magic committer's multipart uploads pending in its own run directory, which the committer
     * of the next run (another run directory) never lists: the next run aborts them before it writes, and leaves alone
     * another manifest's (a directory whose name this manifest's is a prefix of).
     */
    @Test
    void aRunAbortsTheUploadsAnEarlierRunLeftUnderItsManifestOnly() throws Exception {
        S3Client s3 = S3_MOCK.createS3ClientV2();
        Path local = IcebergFixture.input(dir, "u.ndjson", 0, 50, 0);
        String etag = s3.putObject(b -> b.bucket("ice-landing").key("uploads/u.ndjson"), RequestBody.fromFile(local)).eTag();
        Manifest m = Manifest.of(Instant.parse("2026-11-26T04:00:00Z"),
                List.of(new ManifestFile("s3://ice-landing/uploads/u.ndjson", Files.size(local), etag)), "s3a://ice-lake/uploads", null);
        s3.putObject(b -> b.bucket("ice-lake").key("manifests/" + m.manifestId() + ".json"),
                RequestBody.fromBytes(ManifestCodec.encode(m)));
        // A warehouse of its own: the other test's table is not this one's.
        IcebergSettings catalog = IcebergFixture.localCatalog(dir, "s3a://ice-lake/uploads-warehouse");
        String data = "uploads-warehouse/lake/events/data/";
        String own = data + "manifest_id=" + m.manifestId() + "/run=killed/part-00000.parquet";
        String other = data + "manifest_id=" + m.manifestId() + "0/run=running/part-00000.parquet";
        for (String key : List.of(own, other)) {
            String id = s3.createMultipartUpload(b -> b.bucket("ice-lake").key(key)).uploadId();
            s3.uploadPart(b -> b.bucket("ice-lake").key(key).uploadId(id).partNumber(1), RequestBody.fromBytes(new byte[1024]));
        }
        assertEquals(List.of(own, other), pendingUploads(s3, data));

        ConversionResult r = new ManifestConversion(SPARK, IcebergFixture.settings(catalog))
                .run("s3a://ice-lake/manifests/" + m.manifestId() + ".json").result();

        assertEquals(50, r.rowsWritten());
        assertEquals(List.of(other), pendingUploads(s3, data), "the killed run's upload is aborted, the other manifest's kept");
    }

    private static List<String> pendingUploads(S3Client s3, String prefix) {
        return s3.listMultipartUploads(b -> b.bucket("ice-lake").prefix(prefix)).uploads().stream()
                .map(software.amazon.awssdk.services.s3.model.MultipartUpload::key).sorted().toList();
    }
}
