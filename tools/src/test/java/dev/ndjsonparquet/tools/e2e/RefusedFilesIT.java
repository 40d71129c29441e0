package dev.ndjsonparquet.tools.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ndjsonparquet.controller.builder.StoreUri;
import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestCodec;
import dev.ndjsonparquet.manifest.ManifestFile;
import dev.ndjsonparquet.manifest.ManifestMessage;
import dev.ndjsonparquet.tools.local.FaultPlan.Fate;
import dev.ndjsonparquet.tools.local.LocalSparkRunner;
import dev.ndjsonparquet.tools.local.SparkLaunch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A manifest holding files the allow-lists refuse (forged, or listed by an older builder that did not check them)
 * next to good ones, through the real dispatcher and the real Spark application (issue 19, item 2): the good files
 * convert, each refused file is quarantined with its reason in the result record without being read, and nothing
 * is dead-lettered. Before, the dispatcher dead-lettered the whole manifest as poison.
 */
class RefusedFilesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofMinutes(4);
    private static SparkLaunch spark;

    @TempDir
    Path tmp;

    private Pipeline pipeline;
    private Operator operator;

    @BeforeAll
    static void sparkApp() {
        spark = SparkAppClasspath.locateOrSkip();
    }

    @AfterEach
    void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
        if (operator != null) {
            operator.close();
        }
    }

    @Test
    void theGoodFilesConvertAndEachRefusedFileIsQuarantinedWithItsReason() throws Exception {
        pipeline = new Pipeline(new Pipeline.Limits(2, 10, 2, Duration.ofSeconds(30), 6), Set.of());
        InputFiles landing = new InputFiles(pipeline.servers.s3(), pipeline.landing);
        List<InputFiles.Upload> good = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            good.add(landing.good("events/good-" + i + ".ndjson", 30 + 10 * i));
        }
        // Readable objects the Spark application must not read: one in another bucket, one under the allowed
        // prefix whose key has a backslash (the builder used to admit it; the dispatcher refused it).
        InputFiles elsewhere = new InputFiles(pipeline.servers.s3(), pipeline.lake);
        InputFiles.Upload outside = elsewhere.good("stray/secret.ndjson", 25);
        // (S3Mock refuses to store a key with a backslash: the manifest names it all the same, as a forger's would.)
        String backslash = new StoreUri(pipeline.landing, "events/a\\b.ndjson").toUri("s3a");
        List<ManifestFile> files = new ArrayList<>();
        good.forEach(u -> files.add(new ManifestFile(landing.uri(u), u.size(), u.etag())));
        files.add(1, new ManifestFile(elsewhere.uri(outside), outside.size(), outside.etag()));
        files.add(new ManifestFile(backslash, 25, "0123456789abcdef0123456789abcdef"));
        Manifest m = Manifest.of(Instant.parse("2026-11-26T00:00:00Z"), files, "s3a://" + pipeline.lake + "/events", null);
        StoreUri at = new StoreUri(pipeline.work, "manifests/" + m.manifestId() + ".json");
        pipeline.store.put(at, ManifestCodec.encode(m));

        operator = new Operator(pipeline.servers.kubernetes.client(), pipeline.namespace, spark,
                (app, attempt, execution) -> Fate.RUN, tmp.resolve("spark-logs"));
        pipeline.startDispatcher();
        pipeline.sendManifestMessage(ManifestCodec.encodeMessage(ManifestMessage.of(at.toUri("s3"), m)));

        StoreUri result = new StoreUri(pipeline.lake, "events/_results/" + m.manifestId() + ".json");
        await("the result record and an empty manifest queue", () -> pipeline.store.head(result).isPresent()
                && pipeline.depth(pipeline.manifestQueue) == 0);
        Pipeline.sleep(Duration.ofSeconds(2));

        assertEquals(0, pipeline.servers.sqs().receiveMessage(r -> r.queueUrl(pipeline.deadLetterQueue).waitTimeSeconds(0))
                .messages().size(), "nothing dead-lettered");
        JsonNode r = JSON.readTree(pipeline.store.get(result).orElseThrow());
        Map<String, String> quarantined = new TreeMap<>();
        r.get("quarantinedFiles").forEach(q -> quarantined.put(q.get("path").asText(), q.get("reason").asText()));
        assertEquals(Set.of(elsewhere.uri(outside), backslash), quarantined.keySet(), quarantined.toString());
        assertTrue(quarantined.get(elsewhere.uri(outside)).contains("outside the allowed inputs"), quarantined.toString());
        assertTrue(quarantined.get(backslash).contains("backslash"), quarantined.toString());
        assertEquals(good.size(), r.get("filesConverted").asInt(), r.toString());

        Path lake = tmp.resolve("lake");
        for (S3Object o : pipeline.servers.s3().listObjectsV2Paginator(q -> q.bucket(pipeline.lake).prefix("events/")).contents()) {
            if (!o.key().endsWith("/")) {
                Path target = lake.resolve(o.key());
                Files.createDirectories(target.getParent());
                Files.write(target, pipeline.store.get(new StoreUri(pipeline.lake, o.key())).orElseThrow());
            }
        }
        List<Long> rows = Duckdb.longs("SELECT id FROM read_parquet('" + lake + "/events/ingest_date=*/manifest_id=*/*.parquet') ORDER BY id");
        assertEquals(new ArrayList<>(InputFiles.ids(good)), rows, "every record of the good files once, nothing of the refused ones");
        assertEquals(rows.size(), r.get("rowsWritten").asLong());
        List<LocalSparkRunner.Finished> runs = operator.executions();
        assertEquals(1, runs.size(), "one Spark run: " + runs);
        assertEquals(0, runs.get(0).exitCode(), operator.logTails());
    }

    private void await(String what, java.util.function.BooleanSupplier condition) {
        Instant end = Instant.now().plus(TIMEOUT);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(end)) {
                throw new AssertionError("timed out after " + TIMEOUT + " waiting for " + what + "; runs "
                        + operator.executions() + "\n" + operator.logTails() + "\ndead letters: "
                        + Stream.of(pipeline.deadLetterQueue).flatMap(q -> pipeline.servers.sqs().receiveMessage(x -> x.queueUrl(q)
                        .messageAttributeNames("All").waitTimeSeconds(0)).messages().stream()).map(x -> x.messageAttributes() + " " + x.body()).toList());
            }
            Pipeline.sleep(Duration.ofMillis(500));
        }
    }
}
