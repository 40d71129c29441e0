package dev.ndjsonparquet.controller.builder;

import static dev.ndjsonparquet.controller.builder.Harness.assertExactlyOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ndjsonparquet.controller.builder.FaultySqs.Call;
import dev.ndjsonparquet.controller.builder.FaultySqs.Logged;
import dev.ndjsonparquet.controller.builder.Step.StepHook;
import dev.ndjsonparquet.controller.observability.Readiness;
import dev.ndjsonparquet.testsupport.MutableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * One bad record fails only itself, and an outage of S3 or SQS costs no SQS receive. Each scenario runs the real
 * loop over ElasticMQ and the in-process S3 server on a test clock (the loop's waits move it), with an ingest
 * queue whose redrive policy moves a message to its dead-letter queue on its second receive, and checks every
 * receive, visibility change and delete the builder made: each message received once, never left visible while
 * held, deleted once settled.
 */
class OutagesTest {

    private static final Instant START = Instant.parse("2026-03-01T00:00:00Z");

    /** A world whose ingest queue dead-letters a message at its second receive, on a test clock. */
    private record World(Harness h, String deadLetters, MutableClock clock) {
        /** A builder on the test clock (its waits move the clock) over the given store and SQS client. */
        Harness.Builder builder(ObjectStore store, FaultySqs sqs) {
            Harness.Builder b = h.builder(store, sqs, StepHook.NONE, clock);
            b.loop().withSleeper(clock::advance);
            b.engine().recover();
            return b;
        }

        /** Nothing reached the dead-letter queue, and every message was held throughout (see below). */
        void assertReceivedOnceAndHeldThroughout(FaultySqs sqs) {
            assertEquals(0, h.queueDepth(deadLetters), "nothing went to the dead-letter queue");
            assertEachMessageHeldThroughout(sqs.log());
        }
    }

    private static World world(int maxAgeSeconds, int visibilitySeconds) {
        Harness h = new Harness();
        h.settings = h.settings(10, 1_000_000, maxAgeSeconds, new SizeBand(100, 10_000), BuilderSettings.QuarantineMode.COPY,
                visibilitySeconds);
        return new World(h, h.deadLetterQueue(1), new MutableClock(START));
    }

    /** Runs turns until the condition holds; each turn may move the clock (the loop's waits), and moves it by {@code step}. */
    private static void turnUntil(Harness.Builder b, MutableClock clock, Duration step, int most, BooleanSupplier done) {
        for (int i = 0; !done.getAsBoolean(); i++) {
            assertTrue(i < most, "not done after " + most + " turns (clock at " + clock.instant() + ")");
            b.loop().pollOnce();
            clock.advance(step);
        }
    }

    /**
     * Checks every call the builder made on the ingest queue: each message received once (a second receive would
     * have spent one of its receives), its visibility extended before it ran out, deleted before it ran out.
     */
    static void assertEachMessageHeldThroughout(List<Logged> log) {
        Map<String, String> messageOf = new HashMap<>();
        Map<String, Instant> visibleAt = new HashMap<>();
        Map<String, Integer> receives = new HashMap<>();
        for (Logged l : log) {
            if (l.threw()) {
                continue;
            }
            switch (l.call()) {
                case RECEIVE -> l.receiptToMessage().forEach((receipt, id) -> {
                    assertEquals(1, receives.merge(id, 1, Integer::sum), "message " + id + " received twice: a receive was spent");
                    messageOf.put(receipt, id);
                    visibleAt.put(id, l.at().plusSeconds(l.seconds()));
                });
                case CHANGE_VISIBILITY -> l.receipts().forEach(receipt -> {
                    String id = messageOf.get(receipt);
                    assertFalse(l.at().isAfter(visibleAt.get(id)), "message " + id + " was visible from "
                            + visibleAt.get(id) + " until its extension at " + l.at());
                    visibleAt.put(id, l.at().plusSeconds(l.seconds()));
                });
                case DELETE -> l.receipts().forEach(receipt -> {
                    String id = messageOf.get(receipt);
                    assertFalse(l.at().isAfter(visibleAt.get(id)), "message " + id + " was visible from "
                            + visibleAt.get(id) + " until its delete at " + l.at());
                    visibleAt.put(id, Instant.MAX);
                });
                default -> { }
            }
        }
        assertTrue(visibleAt.values().stream().allMatch(Instant.MAX::equals), "every received message was deleted");
    }

    /**
     * The middle record of a message always fails (a store refusal that is not an outage): it is tried again
     * with back-off, then set aside with its reason once it failed five times while its siblings succeeded; the
     * siblings reach a manifest and the message is deleted, received once.
     */
    @Test
    void aRecordThatAlwaysFailsIsSetAsideWhileItsSiblingsShip() {
        World w = world(60, 30);
        Harness h = w.h();
        MutableClock clock = w.clock();
        String poisonKey = "iso/b.json";
        List<String> records = new ArrayList<>();
        List<String> siblings = new ArrayList<>();
        String poisonEtag = null;
        for (String key : List.of("iso/a.json", poisonKey, "iso/c.json")) {
            String etag = h.putObject(key, 200);
            records.add(Harness.record(h.input, key, 200, etag));
            if (key.equals(poisonKey)) {
                poisonEtag = etag;
            } else {
                siblings.add(h.uri(key));
            }
        }
        h.send(Harness.s3Notification(records.toArray(String[]::new)));
        String poison = Ledger.fileId(h.input, poisonKey, poisonEtag, null);
        FaultyStore store = new FaultyStore(h.store).refuseWhen((op, at) -> at.key().contains(poison)
                ? new IllegalStateException("injected: this record always fails") : null);
        FaultySqs sqs = FaultySqs.recording(h.servers.sqs, clock);
        Harness.Builder b = w.builder(store, sqs);
        b.loop().withMaxWaitSeconds(0);

        turnUntil(b, clock, Duration.ofSeconds(2), 200, () -> h.drained(b));

        assertExactlyOnce(siblings, h.sentManifests().values());
        assertEquals(1.0, b.metrics().failedRecordCount());
        List<JsonNode> failed = new ArrayList<>();
        h.store.list(new StoreUri(h.work, "quarantine/failed-events/")).forEach(o -> failed.add(json(h.store.get(o.location()).orElseThrow())));
        assertEquals(1, failed.size(), "one record set aside");
        assertEquals(poisonKey, failed.get(0).path("key").asText());
        assertEquals(5, failed.get(0).path("attempts").asInt());
        assertTrue(failed.get(0).path("reason").asText().contains("this record always fails"), failed.get(0).toString());
        w.assertReceivedOnceAndHeldThroughout(sqs);
    }

    /**
     * S3 is unreachable for ten minutes (of the test clock) after the builder received two messages, and two more
     * arrive meanwhile. The builder makes no receive while S3 is out, probes it with back-off, keeps extending the
     * visibility of what it holds, says it waits on s3 (metrics, readiness), charges no record, and ships
     * everything once S3 answers.
     */
    @Test
    void anS3OutageHoldsItsMessagesWithoutSpendingReceivesAndSaysWhatItWaitsOn() {
        World w = world(60, 30);
        Harness h = w.h();
        MutableClock clock = w.clock();
        AtomicBoolean s3Down = new AtomicBoolean();
        FaultyStore store = new FaultyStore(h.store).refuseWhen((op, at) -> s3Down.get()
                ? SdkClientException.builder().message("injected: Unable to execute HTTP request: Connection refused").build() : null);
        FaultySqs sqs = FaultySqs.recording(h.servers.sqs, clock);
        Harness.Builder b = w.builder(store, sqs);
        b.loop().withMaxWaitSeconds(20);
        Readiness readiness = new Readiness("builder", () -> true, () -> true, b.metrics()::waitingOn, clock,
                Duration.ofSeconds(30));
        assertTrue(readiness.getAsBoolean());

        List<String> uris = new ArrayList<>(List.of(h.upload("out/a.json", 200), h.upload("out/b.json", 210)));
        s3Down.set(true);
        Instant down = clock.instant();
        turnUntil(b, clock, Duration.ZERO, 50, () -> b.loop().inFlightCount() == 2);
        assertFalse(readiness.getAsBoolean(), "waiting on a dependency is not ready");
        assertTrue(readiness.reason().startsWith("waiting on s3"), readiness.reason());
        assertTrue(b.metrics().waits().isWaiting(Dependency.S3));
        uris.add(h.upload("out/c.json", 220));
        uris.add(h.upload("out/d.json", 230));
        Instant up = down.plus(Duration.ofMinutes(10));
        int refusedBefore = store.refused();
        turnUntil(b, clock, Duration.ZERO, 5_000, () -> !clock.instant().isBefore(up));
        s3Down.set(false);
        int refusedDuringOutage = store.refused() - refusedBefore;

        b.loop().withMaxWaitSeconds(0);
        turnUntil(b, clock, Duration.ofSeconds(5), 500, () -> h.drained(b) && h.manifestMessages().size() > 0
                && b.metrics().acceptedCount() == 4);
        assertExactlyOnce(uris, h.sentManifests().values());
        for (Logged l : sqs.log()) {
            assertFalse(l.call() == Call.RECEIVE && !l.at().isBefore(down.plusSeconds(1)) && l.at().isBefore(up),
                    "a receive while S3 was out, at " + l.at());
        }
        assertTrue(refusedDuringOutage > 0 && refusedDuringOutage <= 40,
                "S3 was probed with back-off over ten minutes, not polled: " + refusedDuringOutage + " calls");
        assertTrue(b.metrics().dependencyErrorCount(Dependency.S3) > 0);
        assertEquals(0.0, b.metrics().failedRecordCount(), "no record was charged for the outage");
        assertFalse(b.metrics().waits().isWaiting(Dependency.S3));
        assertTrue(readiness.getAsBoolean(), "ready again: " + readiness.reason());
        w.assertReceivedOnceAndHeldThroughout(sqs);
    }

    /**
     * SQS refuses every call for a minute while the builder holds a message whose batch is filling: receives are
     * probed with back-off, the builder says it waits on sqs, and once SQS answers the message ships and is
     * deleted, received once.
     */
    @Test
    void anSqsOutageIsProbedWithBackOffAndCostsNoReceive() {
        World w = world(120, 300);
        Harness h = w.h();
        MutableClock clock = w.clock();
        AtomicBoolean sqsDown = new AtomicBoolean();
        FaultySqs sqs = FaultySqs.recording(h.servers.sqs, clock).refuseWhen(c -> sqsDown.get());
        Harness.Builder b = w.builder(h.store, sqs);
        List<String> uris = List.of(h.upload("sqs/a.json", 200));
        turnUntil(b, clock, Duration.ZERO, 50, () -> b.metrics().acceptedCount() == 1);

        sqsDown.set(true);
        Instant up = clock.instant().plus(Duration.ofMinutes(1));
        turnUntil(b, clock, Duration.ZERO, 1_000, () -> !clock.instant().isBefore(up));
        assertTrue(b.metrics().waitingOn().orElse("").startsWith("waiting on sqs"), b.metrics().waitingOn().toString());
        int refused = sqs.thrown(Call.RECEIVE);
        assertTrue(refused >= 3 && refused <= 8, "receives probed with back-off over a minute: " + refused);
        sqsDown.set(false);

        b.loop().withMaxWaitSeconds(0);
        turnUntil(b, clock, Duration.ofSeconds(5), 500, () -> h.drained(b) && !h.manifestMessages().isEmpty());
        assertExactlyOnce(uris, h.sentManifests().values());
        assertTrue(b.metrics().waitingOn().isEmpty());
        w.assertReceivedOnceAndHeldThroughout(sqs);
    }

    /**
     * The ledger cannot be read when a new leader starts its term (three refused reads of its term record): the
     * loop tries its recovery again with back-off instead of ending (which would count as a crash and a restart),
     * then ships what arrives.
     */
    @Test
    void aRecoveryThatFailsIsTriedAgainAndTheLoopGoesOn() {
        World w = world(2, 30);
        Harness h = w.h();
        MutableClock clock = w.clock();
        java.util.concurrent.atomic.AtomicInteger termReads = new java.util.concurrent.atomic.AtomicInteger();
        FaultyStore store = new FaultyStore(h.store).refuseWhen((op, at) -> at.key().contains("ledger/terms/")
                && termReads.incrementAndGet() <= 3 ? SdkClientException.builder().message("injected: refused").build() : null);
        FaultySqs sqs = FaultySqs.recording(h.servers.sqs, clock);
        Harness.Builder b = h.builder(store, sqs, StepHook.NONE, clock);
        b.loop().withMaxWaitSeconds(0).withSleeper(clock::advance);
        List<String> uris = List.of(h.upload("rec/a.json", 200));
        java.util.concurrent.atomic.AtomicInteger turns = new java.util.concurrent.atomic.AtomicInteger();
        b.loop().run(() -> {
            clock.advance(Duration.ofSeconds(1));
            assertTrue(turns.incrementAndGet() < 500, "the loop did not ship");
            return !(h.drained(b) && !h.manifestMessages().isEmpty());
        });
        assertEquals(3, store.refused(), "three recoveries failed");
        assertTrue(b.engine().term() > 0, "a term was started");
        assertExactlyOnce(uris, h.sentManifests().values());
        w.assertReceivedOnceAndHeldThroughout(sqs);
    }

    private static JsonNode json(byte[] bytes) {
        try {
            return Ledger.JSON.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
