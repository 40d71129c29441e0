package dev.ndjsonparquet.spark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.conversion.ConversionSettings;
import dev.ndjsonparquet.location.AllowedInputs;
import dev.ndjsonparquet.location.LocationPrefixes;
import dev.ndjsonparquet.location.TrustedLocations;
import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestBytes;
import dev.ndjsonparquet.manifest.ManifestCodec;
import dev.ndjsonparquet.manifest.ManifestFile;
import dev.ndjsonparquet.spark.commit.ManifestGate;
import dev.ndjsonparquet.spark.output.ConversionResult;
import dev.ndjsonparquet.testsupport.AwsActions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The S3 actions the Spark application needs (issue 20, item 6), from the operations S3A sends during a conversion
 * as the dispatcher runs it (pinned manifest, allow-lists, the magic committer, bad records, a quarantined file, the
 * conditional result record): every one must be in the chart README's row for the Spark application, so a new call
 * fails here until it is documented. (The controller's roles are derived from their code: {@code AwsCallsTest}.)
 */
class S3AccessTest {

    private static final SparkSession SPARK = SharedSpark.get();
    private static final String INTERCEPTORS = "fs.s3a.audit.execution.interceptors";

    @RegisterExtension
    static final S3aMockServer S3_MOCK = S3aMockServer.forSpark(SPARK, "landing", "lake", "work");

    @Test
    void everyS3CallOfAConversionHasADocumentedAction() throws IOException {
        S3Client s3 = S3_MOCK.createS3ClientV2();
        List<ManifestFile> files = new ArrayList<>();
        for (String name : List.of("a.ndjson", "b.ndjson")) {
            byte[] content = ("{\"id\":1,\"v\":\"" + name + "\"}\nnot json\n{\"id\":2}\n").getBytes(StandardCharsets.UTF_8);
            String etag = s3.putObject(b -> b.bucket("landing").key("in/" + name), RequestBody.fromBytes(content)).eTag();
            files.add(new ManifestFile("s3a://landing/in/" + name, content.length, etag));
        }
        files.add(new ManifestFile("s3a://landing/in/never-uploaded.ndjson", 10, "\"0123\""));
        files.add(new ManifestFile("s3a://work/elsewhere.ndjson", 10, "\"0456\""));
        Manifest m = Manifest.of(Instant.parse("2026-11-26T01:00:00Z"), files, "s3a://lake/events", null);
        byte[] bytes = ManifestCodec.encode(m);
        s3.putObject(b -> b.bucket("work").key("manifests/" + m.manifestId() + ".json"), RequestBody.fromBytes(bytes));
        TrustedLocations lists = new TrustedLocations(null, AllowedInputs.parse("s3://landing/in/"),
                new LocationPrefixes("outputs", List.of("s3://lake/events/")), new LocationPrefixes("schema locations", List.of()));

        Configuration conf = SPARK.sparkContext().hadoopConfiguration();
        RecordingInterceptor.clear();
        conf.set(INTERCEPTORS, RecordingInterceptor.class.getName());
        FileSystem.closeAll(); // the next S3A instances build their clients with the interceptor
        ConversionResult r;
        try {
            r = new ManifestConversion(SPARK, ConversionSettings.Values.defaults().withSchema("id BIGINT, v STRING"))
                    .checkedBy(new ManifestGate(ManifestBytes.sha256(bytes), lists))
                    .run("s3a://work/manifests/" + m.manifestId() + ".json", 1).result();
        } finally {
            conf.unset(INTERCEPTORS);
            FileSystem.closeAll();
        }
        assertEquals(4, r.rowsWritten(), "the conversion ran");
        assertEquals(2, r.badRecords());
        assertEquals(2, r.quarantinedFiles().size());

        Set<String> operations = RecordingInterceptor.operations();
        System.out.println("S3 operations of a conversion: " + operations);
        assertTrue(operations.containsAll(List.of("GetObject", "PutObject", "ListObjectsV2")), "recorded: " + operations);
        Set<String> needed = new TreeSet<>();
        List<String> unknown = new ArrayList<>();
        for (String op : operations) {
            List<String> actions = AwsActions.of("s3", op);
            if (actions == null) {
                unknown.add(op);
            } else {
                needed.addAll(actions);
            }
        }
        assertEquals(List.of(), unknown, "S3 operations with no known IAM action: add them to AwsActions and the chart README");
        Set<String> documented = AwsActions.documentedRow(AwsActions.CHART_README, "Spark application");
        Set<String> missing = new TreeSet<>(needed);
        missing.removeAll(documented);
        assertEquals(Set.of(), missing, "actions the Spark application's calls (" + operations + ") need and the chart README's row lacks");
    }
}
