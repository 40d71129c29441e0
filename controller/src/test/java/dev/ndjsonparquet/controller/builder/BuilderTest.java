package dev.ndjsonparquet.controller.builder;

import java.time.Instant;
import static dev.ndjsonparquet.controller.builder.Harness.assertExactlyOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestFile;
import dev.ndjsonparquet.testsupport.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** The builder against ElasticMQ and S3Mock: what reaches the manifest queue, the ledger and the quarantine. */
class BuilderTest {

    @Test
    void bothEventFormatsSeveralRecordsTestEventsAndEncodedKeys() {
        Harness h = new Harness();
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        Harness.Builder b = h.builder(Step.StepHook.NONE, clock);
        List<String> keys = List.of("day=1/a b.json", "day=1/caf\u00e9 \u6587\u4ef6.ndjson", "day=1/x+y=z&w.jsonl",
                "day=1/eventbridge \u00fc.json.gz", "day=1/single.json");
        List<String> etags = new ArrayList<>();
        for (String k : keys) {
            etags.add(h.putObject(k, 200));
        }
        h.send(Harness.s3Notification(Harness.record(h.input, keys.get(0), 200, etags.get(0)),
                Harness.record(h.input, keys.get(1), 200, etags.get(1)),
                Harness.record(h.input, keys.get(2), 200, etags.get(2))));
        h.send(Harness.eventBridge(h.input, keys.get(3), 200, etags.get(3)));
        h.send("{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Time\":\"2026-01-01T00:00:00Z\",\"Bucket\":\"" + h.input + "\"}");
        h.send(Harness.s3Notification(Harness.record(h.input, keys.get(4), 200, etags.get(4))));

        Harness.pollUntil(b, Duration.ofSeconds(30), () -> b.metrics().acceptedCount() == 5);
        assertTrue(h.manifestMessages().isEmpty(), "the batch is still filling");
        assertEquals(3, b.loop().inFlightCount(), "the test event was deleted; the others wait for their batch");
        clock.advance(Duration.ofSeconds(61));
        b.loop().pollOnce();

        Map<String, Manifest> sent = h.sentManifests();
        assertEquals(1, sent.size());
        Manifest m = sent.values().iterator().next();
        assertExactlyOnce(keys.stream().map(h::uri).toList(), sent.values());
        assertEquals(1000, m.totalBytes());
        assertEquals("s3a://" + h.work + "/table", m.output());
        for (ManifestFile f : m.files()) {
            int i = keys.stream().map(h::uri).toList().indexOf(f.uri());
            assertEquals(etags.get(i), f.etag());
            assertEquals(200, f.size());
        }
        assertEquals(0, b.loop().inFlightCount());
        assertEquals(0, h.queueDepth(h.ingestQueue), "every ingest message deleted once its manifest was sent");
    }

    @Test
    void quarantineWithReasonKeepsTheSourceAndRecordsOnce() {
        Harness h = new Harness();
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        Harness.Builder b = h.builder(Step.StepHook.NONE, clock);
        h.upload("small.json", 50);
        h.upload("large.json", 20_000);
        h.upload("table.csv", 500);
        String good = h.upload("good.json", 500);
        h.upload("small.json", 50); // a second event for the same small file
        Harness.pollUntil(b, Duration.ofSeconds(30), () -> b.metrics().eventCount() == 5);
        clock.advance(Duration.ofMinutes(2));
        b.loop().pollOnce();

        assertEquals(1, b.metrics().quarantinedCount(QuarantineReason.TOO_SMALL));
        assertEquals(1, b.metrics().quarantinedCount(QuarantineReason.TOO_LARGE));
        assertEquals(1, b.metrics().quarantinedCount(QuarantineReason.EXCLUDED_NAME));
        assertEquals(1, b.metrics().duplicateCount());
        assertExactlyOnce(List.of(good), h.sentManifests().values());
        assertQuarantined(h, "small.json", "too-small", 50, true);
        assertQuarantined(h, "large.json", "too-large", 20_000, true);
        assertQuarantined(h, "table.csv", "excluded-name", 500, true);
        assertEquals(3, count(h, "quarantine/records/"), "one reason record per file");
        assertEquals(0, h.queueDepth(h.ingestQueue));
    }

    @Test
    void referenceModeWritesOnlyTheRecord() {
        Harness h = new Harness();
        h.settings = h.settings(10, 1_000_000, 60, new SizeBand(100, 10_000), BuilderSettings.QuarantineMode.REFERENCE, 30);
        Harness.Builder b = h.builder();
        h.upload("tiny.ndjson", 10);
        Harness.pollUntil(b, Duration.ofSeconds(30), () -> b.metrics().quarantinedCount(QuarantineReason.TOO_SMALL) == 1);
        assertQuarantined(h, "tiny.ndjson", "too-small", 10, false);
        assertEquals(1, count(h, "quarantine/"), "only the record, no copy");
    }

    @Test
    void duplicateAndReorderedEventsPutEachFileInExactlyOneManifest() {
        Harness h = new Harness();
        h.settings = h.settings(5, 1_000_000, 60, new SizeBand(100, 10_000), BuilderSettings.QuarantineMode.COPY, 30);
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        Harness.Builder b = h.builder(Step.StepHook.NONE, clock);
        List<String> records = new ArrayList<>();
        List<String> uris = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String key = "f" + i + ".json";
            String etag = h.putObject(key, 300);
            uris.add(h.uri(key));
            records.add(Harness.record(h.input, key, 300, etag));
            records.add(Harness.record(h.input, key, 300, etag));
        }
        Collections.shuffle(records, new Random(42));
        for (int i = 0; i < records.size(); i += 3) {
            h.send(Harness.s3Notification(records.subList(i, i + 3).toArray(String[]::new)));
        }
        h.send(Harness.eventBridge(h.input, "f3.json", 300, ObjectEvent.normalizeEtag(
                h.store.head(new StoreUri(h.input, "f3.json")).orElseThrow().etag())));
        Harness.pollUntil(b, Duration.ofSeconds(30), () -> b.metrics().eventCount() == 25);
        clock.advance(Duration.ofMinutes(2));
        Harness.pollUntil(b, Duration.ofSeconds(30), () -> h.queueDepth(h.ingestQueue) == 0);

        Map<String, Manifest> sent = h.sentManifests();
        assertExactlyOnce(uris, sent.values());
        assertEquals(13, b.metrics().duplicateCount());
        assertEquals(12, count(h, "ledger/files/"), "one claim per file");
        assertTrue(sent.values().stream().allMatch(m -> m.fileCount() <= 5));
    }

    @Test
    void batchesCloseByCount() {
        Harness h = new Harness();
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        Harness.Builder b = h.builder(Step.StepHook.NONE, clock);
        List<String> uris = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            uris.add(h.upload(String.format("c%02d.json", i), 150));
        }
        Harness.pollUntil(b, Duration.ofSeconds(30), () -> b.metrics().acceptedCount() == 23);
        assertEquals(List.of(10, 10), sizes(h.sentManifests()), "two full batches, three files still waiting");
        clock.advance(Duration.ofSeconds(60));
        b.loop().pollOnce();
        Map<String, Manifest> sent = h.sentManifests();
        assertEquals(List.of(10, 10, 3), sizes(sent));
        assertExactlyOnce(uris, sent.values());
    }

    @Test
    void batchesCloseByBytesBeforeTheCapIsCrossed() {
        Harness h = new Harness();
        h.settings = h.settings(100, 1000, 60, new SizeBand(100, 10_000), BuilderSettings.QuarantineMode.COPY, 30);
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        Harness.Builder b = h.builder(Step.StepHook.NONE, clock);
        List<String> uris = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            uris.add(h.upload("b" + i + ".json", 400));
        }
        uris.add(h.upload("exact.json", 1000));
        Harness.pollUntil(b, Duration.ofSeconds(30), () -> b.metrics().acceptedCount() == 6);
        clock.advance(Duration.ofSeconds(60));
        b.loop().pollOnce();
        Map<String, Manifest> sent = h.sentManifests();
        assertEquals(List.of(800L, 800L, 400L, 1000L), sent.values().stream().map(Manifest::totalBytes).toList());
        assertExactlyOnce(uris, sent.values());
    }

    @Test
    void batchesCloseByAgeOfTheOldestFile() {
        Harness h = new Harness();
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        Harness.Builder b = h.builder(Step.StepHook.NONE, clock);
        String first = h.upload("old.json", 150);
        Harness.pollUntil(b, Duration.ofSeconds(30), () -> b.metrics().acceptedCount() == 1);
        clock.advance(Duration.ofSeconds(40));
        String second = h.upload("new.json", 150);
        Harness.pollUntil(b, Duration.ofSeconds(30), () -> b.metrics().acceptedCount() == 2);
        assertEquals(40.0, b.engine().oldestWaitingAge().toSeconds());
        clock.advance(Duration.ofSeconds(19));
        b.loop().pollOnce();
        assertTrue(h.manifestMessages().isEmpty(), "59 s: not yet");
        clock.advance(Duration.ofSeconds(1));
        b.loop().pollOnce();
        assertExactlyOnce(List.of(first, second), h.sentManifests().values());
        assertEquals(Duration.ZERO, b.engine().oldestWaitingAge());
    }

    @Test
    void backfillOfAPartlyProcessedPrefixBatchesOnlyTheNewFiles() {
        Harness h = new Harness();
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        Harness.Builder b = h.builder(Step.StepHook.NONE, clock);
        List<String> all = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            all.add(h.upload("load/seen" + i + ".json", 150));
        }
        Harness.pollUntil(b, Duration.ofSeconds(30), () -> b.metrics().acceptedCount() == 3);
        clock.advance(Duration.ofSeconds(60));
        b.loop().pollOnce();
        assertEquals(1, h.sentManifests().size());
        for (int i = 0; i < 12; i++) {
            h.putObject("load/new" + i + ".json", 150);
            all.add(h.uri("load/new" + i + ".json"));
        }
        h.putObject("load/notes.txt", 150);
        h.putObject("elsewhere/other.json", 150);

        BuilderMetrics metrics = new BuilderMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        BatchEngine backfill = BuilderAssembly.engine(h.settings, h.store, h.servers.sqs, metrics, Step.StepHook.NONE, clock,
                "backfill");
        assertEquals(new ListingSweep.Summary(16, 0, 0, 0, 16), ListingSweep.feed(h.store, backfill,
                new StoreUri(h.input, "load/"), java.time.Instant.now().plusSeconds(3600)), "nothing newer than the future");
        ListingSweep.Summary s = ListingSweep.feed(h.store, backfill, new StoreUri(h.input, "load/"), null);
        backfill.flush();
        assertEquals(new ListingSweep.Summary(16, 12, 3, 1, 0), s);

        Map<String, Manifest> sent = h.sentManifests();
        assertEquals(List.of(3, 10, 2), sizes(sent));
        assertExactlyOnce(all, sent.values());
        assertTrue(h.store.head(new StoreUri(h.work, "quarantine/excluded-name/" + h.input + "/load/notes.txt")).isPresent());
    }

    @Test
    void localDirectoriesStandInForBuckets(@org.junit.jupiter.api.io.TempDir java.nio.file.Path root) throws Exception {
        Harness h = new Harness();
        LocalDirectoryStore local = new LocalDirectoryStore(root);
        List<String> uris = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            StoreUri at = new StoreUri("landing", "in/f " + i + ".ndjson");
            local.put(at, "{\"a\":1}\n".repeat(20).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            uris.add(local.fileUri(at));
        }
        local.put(new StoreUri("landing", "in/small.json"), new byte[10]);
        h.inputs = dev.ndjsonparquet.location.AllowedInputs.parse(root.toUri() + "landing/in/");
        BuilderSettings settings = h.settings(10, 1_000_000, 60, new SizeBand(100, 10_000), BuilderSettings.QuarantineMode.COPY, 30);
        BatchEngine engine = BuilderAssembly.engine(settings, local, h.servers.sqs,
                new BuilderMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()),
                Step.StepHook.NONE, new MutableClock(Instant.parse("2026-01-01T00:00:00Z")), "backfill");
        ListingSweep.Summary s = ListingSweep.feed(local, engine, new StoreUri("landing", "in/"), null);
        engine.flush();
        assertEquals(new ListingSweep.Summary(4, 3, 0, 1, 0), s);
        assertEquals(new ListingSweep.Summary(4, 0, 4, 0, 0), ListingSweep.feed(local, engine, new StoreUri("landing", "in/"), null),
                "a second listing finds everything claimed or quarantined");
        List<dev.ndjsonparquet.manifest.ManifestMessage> messages = h.manifestMessages();
        assertEquals(1, messages.size());
        assertTrue(messages.get(0).manifestUri().startsWith("file:"));
        Manifest m = dev.ndjsonparquet.manifest.ManifestCodec.decode(
                java.nio.file.Files.readAllBytes(java.nio.file.Path.of(java.net.URI.create(messages.get(0).manifestUri()))));
        assertExactlyOnce(uris, List.of(m));
        assertTrue(java.nio.file.Files.exists(root.resolve(h.work).resolve("quarantine/too-small/landing/in/small.json")));
    }

    @Test
    void manifestUrisAreEncodedSoTheyReadBackAsTheExactKey() throws Exception {
        StoreUri at = new StoreUri("b", "dir/a b%c#d?\u00e9+=&.json");
        String uri = at.toUri("s3a");
        assertEquals("s3a://b/dir/a%20b%25c%23d%3F%C3%A9+=&.json", uri);
        java.net.URI parsed = new java.net.URI(uri);
        assertEquals("/" + at.key(), parsed.getPath());
        assertEquals("b", parsed.getHost());
    }

    private static List<Integer> sizes(Map<String, Manifest> sent) {
        return sent.values().stream().map(Manifest::fileCount).toList();
    }

    private static long count(Harness h, String prefix) {
        return StreamSupport.stream(h.store.list(new StoreUri(h.work, prefix)).spliterator(), false).count();
    }

    private static void assertQuarantined(Harness h, String key, String reason, long size, boolean copied) {
        StoreUri source = new StoreUri(h.input, key);
        ObjectEvent e = new ObjectEvent(h.input, key, size, h.store.head(source).orElseThrow().etag(), null, null);
        JsonNode record = read(h.store.get(new Quarantine(h.store, h.settings.quarantineLocation(),
                h.settings.quarantineMode()).recordUri(e)).orElseThrow());
        assertEquals(reason, record.path("reason").asText());
        assertEquals(size, record.path("size").asLong());
        assertEquals(h.uri(key), record.path("source").asText());
        assertFalse(record.path("detail").asText().isEmpty());
        assertTrue(h.store.head(source).isPresent(), "the source is never deleted");
        StoreUri copy = new StoreUri(h.work, "quarantine/" + reason + "/" + h.input + "/" + key);
        if (copied) {
            assertEquals(size, h.store.head(copy).orElseThrow().size());
            assertEquals(h.store.fileUri(copy), record.path("copy").asText());
        } else {
            assertTrue(h.store.head(copy).isEmpty());
            assertNull(record.get("copy"));
            assertEquals("reference", record.path("mode").asText());
        }
    }

    private static JsonNode read(byte[] json) {
        try {
            return Ledger.JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
