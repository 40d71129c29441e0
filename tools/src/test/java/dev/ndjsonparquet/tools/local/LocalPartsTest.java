package dev.ndjsonparquet.tools.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.controller.builder.EventParser;
import dev.ndjsonparquet.controller.builder.ObjectEvent;
import dev.ndjsonparquet.controller.builder.ObjectStore;
import dev.ndjsonparquet.controller.builder.StoreUri;
import dev.ndjsonparquet.controller.k8s.SparkApplication;
import dev.ndjsonparquet.controller.k8s.SparkApplicationSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pure parts of local runs: the notification, the Spark command line, the input scanner, the sample data. */
class LocalPartsTest {

    @TempDir
    Path tmp;

    @Test
    void theLocalBuilderSettingsAreTheDeclarationsWithTheUsersValuesAndThisMachinesLocations() {
        var resolved = dev.ndjsonparquet.settings.SettingsResolver.resolve(LocalSettings.RUN,
                Map.of("input", "/in", "output", "/out", "spark-classpath", "/a.jar", "max-files-per-manifest", "7",
                        "exclude-patterns", "*.tmp"),
                Map.of(), LocalSettings.localDefaults());
        var layout = new LocalPipeline.Layout(Map.of("work", tmp), new StoreUri("work", "in/"), new StoreUri("work", "state/"),
                tmp.resolve("table"), tmp.resolve("logs"));
        var s = LocalPipeline.builderSettings(resolved, layout, "http://sqs/ingest", "http://sqs/manifests");
        assertEquals(7, s.maxFilesPerManifest(), "the user's value");
        assertEquals(5, s.maxBatchAgeSeconds(), "the local default");
        assertEquals(0, s.sizeBand().minBytes(), "no lower bound locally");
        assertTrue(s.admission().check("a.tmp", 10).isPresent(), "the user's exclude pattern");
        assertEquals(new StoreUri("work", "state/manifests/"), s.manifestLocation());
        assertEquals(new StoreUri("work", "state/ledger/"), s.ledgerLocation());
        assertEquals(LocalPipeline.tableUri(tmp.resolve("table")), s.outputLocation());
        assertEquals("http://sqs/ingest", s.ingestQueueUrl());
        assertEquals(300, s.ingestVisibilitySeconds(), "the declared default");
        assertEquals("ndjson-parquet-builder", s.leaseName(), "the declared default");
        assertEquals(0, s.reconcileIntervalSeconds(), "no listing sweep locally");
        assertEquals(null, s.schemaUri());
    }

    @Test
    void theNotificationIsReadByTheBuildersParserAsS3Sends() {
        var info = new ObjectStore.ObjectInfo(new StoreUri("landing", "ndjson/day 1/a+b.ndjson"), 1234, "4d2-1f", Instant.EPOCH);
        var parsed = EventParser.parse(S3Events.objectCreated(info, "us-east-1", Instant.parse("2026-11-26T00:00:00Z")));
        assertEquals(1, parsed.created().size());
        ObjectEvent e = parsed.created().get(0);
        assertEquals("landing", e.bucket());
        assertEquals("ndjson/day 1/a+b.ndjson", e.key());
        assertEquals(1234, e.size());
        assertEquals("4d2-1f", e.etag());
    }

    @Test
    void theSparkApplicationRunsWithItsMainClassArgumentsAndConfigurationInLocalMode() {
        SparkApplication app = new SparkApplication();
        app.setMetadata(new ObjectMetaBuilder().withName("np-m-1").build());
        SparkApplicationSpec spec = new SparkApplicationSpec();
        spec.setMainClass("dev.ndjsonparquet.spark.ConvertManifest");
        spec.setArguments(List.of("--manifest", "file:/m.json", "--compression", "zstd"));
        spec.setSparkConf(Map.of("spark.decommission.enabled", "true", "spark.master", "k8s://cluster"));
        spec.setAdditionalProperty("hadoopConf", Map.of("fs.s3a.fast.upload", "true"));
        app.setSpec(spec);
        List<String> cmd = new SparkLaunch(Path.of("/jdk/bin/java"), "/a.jar:/lib/*", List.of("--add-opens=x"), 3, "768m")
                .command(app);
        assertEquals(List.of("/jdk/bin/java", "-Xmx768m", "--add-opens=x"), cmd.subList(0, 3));
        assertTrue(cmd.contains("-Dspark.decommission.enabled=true"), cmd::toString);
        assertTrue(cmd.contains("-Dspark.hadoop.fs.s3a.fast.upload=true"), cmd::toString);
        assertTrue(cmd.contains("-Dspark.master=local[3]") && !cmd.contains("-Dspark.master=k8s://cluster"), cmd::toString);
        assertEquals(List.of("-cp", "/a.jar:/lib/*", "dev.ndjsonparquet.spark.ConvertManifest", "--manifest", "file:/m.json",
                "--compression", "zstd"), cmd.subList(cmd.size() - 7, cmd.size()));
    }

    @Test
    void aFileIsAnnouncedOnceAndOnlyWhenItStoppedChanging() throws Exception {
        Files.writeString(tmp.resolve("old.ndjson"), "{}\n");
        Files.writeString(tmp.resolve(".hidden.ndjson"), "{}\n");
        InputScanner scanner = new InputScanner(tmp, tmp.resolve("out"));
        assertEquals(List.of(tmp.resolve("old.ndjson")), scanner.initial());
        Files.createDirectories(tmp.resolve("out"));
        Files.writeString(tmp.resolve("out").resolve("x.ndjson"), "{}\n");
        Files.writeString(tmp.resolve("new.ndjson"), "{}\n");
        Files.writeString(tmp.resolve("copying.tmp"), "{}\n");
        assertEquals(List.of(), scanner.next(), "first seen: not yet known to be complete");
        assertEquals(List.of(tmp.resolve("new.ndjson")), scanner.next());
        assertEquals(List.of(), scanner.next());
    }

    @Test
    void sampleDataCountsWhatItWrites() throws Exception {
        SampleData.Generated g = SampleData.write(tmp, 2, 20_000, 3, 50_000, 1);
        assertEquals(3, g.files().size());
        assertEquals(2, g.inBand().size());
        assertEquals(6, g.badLinesInBand());
        long lines = 0;
        for (SampleData.File f : g.inBand()) {
            lines += Files.readAllLines(f.path()).size();
            assertEquals(Files.size(f.path()), f.bytes());
        }
        assertEquals(g.goodRecordsInBand() + g.badLinesInBand(), lines);
        assertTrue(Files.size(g.files().get(2).path()) >= 50_000);
    }

    @Test
    void directoriesAreBucketsWithTheirRealPaths() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("my input"));
        Path state = Files.createDirectories(tmp.resolve("out/_pipeline"));
        Files.writeString(in.resolve("a.ndjson"), "{}\n");
        DirectoryBuckets store = new DirectoryBuckets(Map.of("input", in, "pipeline", state));
        StoreUri a = new StoreUri("input", "a.ndjson");
        assertEquals(3, store.head(a).orElseThrow().size());
        assertEquals(in.resolve("a.ndjson").toUri().toString(), store.fileUri(a));
        store.copy(a, new StoreUri("pipeline", "quarantine/a.ndjson"));
        assertTrue(Files.exists(state.resolve("quarantine/a.ndjson")));
        assertTrue(store.putIfAbsent(new StoreUri("pipeline", "ledger/x.json"), new byte[] {1}));
        assertEquals(false, store.putIfAbsent(new StoreUri("pipeline", "ledger/x.json"), new byte[] {2}));
        List<String> keys = new java.util.ArrayList<>();
        store.list(new StoreUri("pipeline", "ledger/")).forEach(i -> keys.add(i.location().toString()));
        assertEquals(List.of("s3://pipeline/ledger/x.json"), keys);
        assertTrue(store.head(new StoreUri("elsewhere", "a.ndjson")).isEmpty());
    }
}
