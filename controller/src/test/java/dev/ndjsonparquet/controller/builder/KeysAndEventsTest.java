package dev.ndjsonparquet.controller.builder;

import static dev.ndjsonparquet.controller.builder.Harness.assertExactlyOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ndjsonparquet.controller.builder.Step.StepHook;
import dev.ndjsonparquet.testsupport.MutableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * Keys and events over ElasticMQ and S3Mock: odd but valid keys in both event formats reach the manifest as
 * the exact key; keys a Hadoop path would rewrite are quarantined before they are claimed; a record whose key
 * is not valid URL encoding does not stop the poll; a slow quarantine copy does not let messages reappear.
 */
class KeysAndEventsTest {

    private static final List<String> ODD_KEYS = List.of(
            "odd/a+b.json", "odd/100%.json", "odd/with space.json", "odd/\u00fcn\u00ef/c\u00f6d\u00e9 \u6587.json",
            "odd/2023-08-08T14:03:40.532432.json", "odd/a%2Bb.json");

    /** S3 notifications URL-encode the key ('+' for a space); EventBridge carries it as it is. */
    @Test
    void oddKeysInBothFormatsNameTheExactObject() {
        Harness h = new Harness();
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        Harness.Builder b = h.builder(StepHook.NONE, clock);
        List<String> uris = new ArrayList<>();
        for (String k : ODD_KEYS) {
            String notified = k.replace("odd/", "odd/s3/");
            String bridged = k.replace("odd/", "odd/eb/");
            h.send(Harness.s3Notification(Harness.record(h.input, notified, 200, h.putObject(notified, 200))));
            h.send(Harness.eventBridge(h.input, bridged, 200, h.putObject(bridged, 200)));
            uris.add(h.uri(notified));
            uris.add(h.uri(bridged));
        }
        Harness.pollUntil(b, Duration.ofSeconds(60), () -> b.metrics().acceptedCount() == uris.size());
        clock.advance(Duration.ofSeconds(61));
        b.loop().pollOnce();
        assertExactlyOnce(uris, h.sentManifests().values());
        assertEquals(0, b.metrics().quarantinedCount(QuarantineReason.TOO_SMALL), "every size came from its own object");
        assertEquals(0, h.queueDepth(h.ingestQueue));
    }

    /**
     * An object overwritten while its first version waits in the open batch: each version goes into a manifest of its
     * own (a manifest naming one object twice is invalid, and the batch holding both could never ship).
     */
    @Test
    void anObjectOverwrittenWhileItsBatchIsOpenGoesIntoTheNextManifest() {
        Harness h = new Harness();
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        Harness.Builder b = h.builder(StepHook.NONE, clock);
        String key = "over/a.json";
        String first = h.putObject(key, 200);
        h.send(Harness.s3Notification(Harness.record(h.input, key, 200, first)));
        Harness.pollUntil(b, Duration.ofSeconds(60), () -> b.metrics().acceptedCount() == 1);
        String second = h.putObject(key, 300);
        h.send(Harness.s3Notification(Harness.record(h.input, key, 300, second)));
        Harness.pollUntil(b, Duration.ofSeconds(60), () -> b.metrics().acceptedCount() == 2);
        clock.advance(Duration.ofSeconds(61));
        b.loop().pollOnce();
        List<List<String>> etags = h.sentManifests().values().stream()
                .map(m -> m.files().stream().map(f -> f.etag()).toList()).toList();
        assertEquals(List.of(List.of(first), List.of(second)), etags, "one manifest per version, in their order");
        assertEquals(0, h.queueDepth(h.ingestQueue));
    }

    @Test
    void keysThatPathsRewriteAreQuarantinedBeforeBeingClaimed() {
        Harness h = new Harness();
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        Harness.Builder b = h.builder(StepHook.NONE, clock);
        List<String> unsafe = List.of("in//x.json", "in/./x.json", "in/../x.json", "/in/x.json", "in/..", "in/sub/../../y.json");
        for (String k : unsafe) {
            h.send(Harness.s3Notification(Harness.record(h.input, k, 200, "0123456789abcdef0123456789abcdef")));
        }
        String good = h.upload("in/x.json", 200);
        Harness.pollUntil(b, Duration.ofSeconds(60),
                () -> b.metrics().quarantinedCount(QuarantineReason.UNSAFE_KEY) == unsafe.size() && b.metrics().acceptedCount() == 1);
        clock.advance(Duration.ofSeconds(61));
        b.loop().pollOnce();
        assertExactlyOnce(List.of(good), h.sentManifests().values());
        Quarantine q = new Quarantine(h.store, h.settings.quarantineLocation(), h.settings.quarantineMode());
        for (String k : unsafe) {
            JsonNode record = json(h.store.get(q.recordUri(new ObjectEvent(h.input, k, 200,
                    "0123456789abcdef0123456789abcdef", null, null))).orElseThrow());
            assertEquals("unsafe-key", record.path("reason").asText(), k);
            assertEquals(k, record.path("key").asText(), "the record names the exact key");
            assertEquals("reference", record.path("mode").asText(), "an unsafe key is never copied");
            assertTrue(record.path("detail").asText().contains("'"), record.path("detail").asText());
        }
        assertEquals(0, StreamSupport.stream(h.store.list(new StoreUri(h.work, "quarantine/unsafe-key/")).spliterator(), false).count());
        assertEquals(0, h.queueDepth(h.ingestQueue));
    }

    /**
     * A record whose key is not valid URL encoding is recorded with its reason and counted; the other records
     * of its message and the other messages of the poll go on. A message with nothing readable is left for
     * the queue's redrive policy (the dead-letter queue), as any malformed message.
     */
    @Test
    void aBadPercentEscapeDoesNotStopThePoll() {
        Harness h = new Harness();
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        Harness.Builder b = h.builder(StepHook.NONE, clock);
        String x = "bad/x.json";
        String y = "bad/y.json";
        String badRecord = Harness.record(h.input, "bad/placeholder.json", 200, "0123456789abcdef0123456789abcdef")
                .replace("bad/placeholder.json", "bad/100%zz.json");
        h.send(Harness.s3Notification(badRecord, Harness.record(h.input, x, 200, h.putObject(x, 200))));
        h.send(Harness.s3Notification(badRecord.replace("100%zz", "only%g")));
        h.send(Harness.s3Notification(Harness.record(h.input, y, 200, h.putObject(y, 200))));

        int received = 0;
        for (int i = 0; i < 10 && received < 3; i++) {
            received += b.loop().pollOnce(); // never throws on the bad escapes
        }
        assertEquals(3, received);
        assertEquals(2, b.metrics().acceptedCount());
        clock.advance(Duration.ofSeconds(61));
        b.loop().pollOnce();
        assertExactlyOnce(List.of(h.uri(x), h.uri(y)), h.sentManifests().values());
        assertEquals(2.0, h.builderMalformed(b), "one bad record recorded, one unreadable message");
        List<JsonNode> recorded = new ArrayList<>();
        h.store.list(new StoreUri(h.work, "quarantine/malformed-events/"))
                .forEach(o -> recorded.add(json(h.store.get(o.location()).orElseThrow())));
        assertEquals(1, recorded.size());
        assertTrue(recorded.get(0).path("reason").asText().contains("not valid URL encoding"), recorded.get(0).toString());
        assertTrue(recorded.get(0).path("record").asText().contains("100%zz"));
        assertEquals(1, h.queueDepth(h.ingestQueue), "only the unreadable message is left, for the dead-letter queue");
        assertEquals(0, b.loop().inFlightCount());
    }

    /**
     * A quarantine copy that lasts three visibility timeouts of the test clock: the copy runs off the loop, which
     * keeps extending the message each time half its visibility timeout has passed, so it is never visible while
     * held; then the message is settled. Driven by the clock: the copy is held until the test has moved the clock
     * through six extensions, and every visibility call the builder made is checked, so no stall of the machine
     * can make it pass or fail.
     */
    @Test
    void aSlowQuarantineCopyKeepsTheMessageInvisible() throws Exception {
        Harness h = new Harness();
        h.settings = h.settings(10, 1_000_000, 60, new SizeBand(100, 10_000), BuilderSettings.QuarantineMode.COPY, 30);
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        java.util.concurrent.CountDownLatch copying = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch copied = new java.util.concurrent.CountDownLatch(1);
        FaultyStore slow = new FaultyStore(h.store).beforeEach((op, at) -> {
            if (op.equals("copy")) {
                copying.countDown();
                await(copied);
            }
        });
        FaultySqs sqs = FaultySqs.recording(h.servers.sqs, clock);
        Harness.Builder b = h.builder(slow, sqs, StepHook.NONE, clock);
        h.upload("slow/x.csv", 300); // excluded name: quarantined with a copy

        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread builder = new Thread(() -> {
            try {
                while (b.metrics().quarantinedCount(QuarantineReason.EXCLUDED_NAME) == 0 || b.loop().inFlightCount() > 0) {
                    b.loop().pollOnce();
                }
            } catch (Throwable t) {
                failed.set(t);
            }
        }, "builder");
        builder.start();
        assertTrue(copying.await(60, java.util.concurrent.TimeUnit.SECONDS), "the copy started");
        for (int i = 1; i <= 6; i++) {
            clock.advance(Duration.ofSeconds(15));
            int extensions = i;
            awaitCondition(() -> extensionsOf(sqs) == extensions, "extension " + i + " while the copy runs");
        }
        copied.countDown();
        builder.join(60_000);
        assertTrue(failed.get() == null, "builder failed: " + failed.get());
        assertEquals(6, extensionsOf(sqs), "one extension each half visibility timeout");
        OutagesTest.assertEachMessageHeldThroughout(sqs.log());
        assertEquals(0, h.queueDepth(h.ingestQueue), "settled once quarantined");
        assertEquals(300, h.store.head(new StoreUri(h.work, "quarantine/excluded-name/" + h.input + "/slow/x.csv"))
                .orElseThrow().size());
    }

    private static long extensionsOf(FaultySqs sqs) {
        return sqs.log().stream().filter(l -> l.call() == FaultySqs.Call.CHANGE_VISIBILITY && !l.threw()).count();
    }

    private static void await(java.util.concurrent.CountDownLatch latch) {
        try {
            latch.await(120, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits (the builder's keep-alive runs once a second) until the condition holds; generous, never a measure. */
    private static void awaitCondition(java.util.function.BooleanSupplier condition, String what) {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, "timed out waiting for " + what);
            sleep(20);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static JsonNode json(byte[] bytes) {
        try {
            return Ledger.JSON.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
