package dev.ndjsonparquet.controller.builder;

import static dev.ndjsonparquet.controller.builder.Harness.assertExactlyOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.controller.builder.FaultyStore.Point;
import dev.ndjsonparquet.controller.builder.Step.StepHook;
import dev.ndjsonparquet.testsupport.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;

/**
 * Two builder replicas over the same queues and buckets, the first one's Lease expiring while it is inside a
 * slow store call (a leadership flag the test flips, and a store call that waits for the test). The new
 * leader recovers at once (the worst case: no waiting out the lease), and in the end every file is in
 * exactly one manifest and no manifest id reached the queue from both.
 */
class TwoLeadersTest {

    /** A replica running its loop on its own thread, as long as its leadership flag says it leads. */
    private static final class Replica {
        final Harness.Builder builder;
        final AtomicBoolean leads = new AtomicBoolean(true);
        final AtomicReference<Throwable> ended = new AtomicReference<>();
        final Thread thread;

        Replica(Harness.Builder builder) {
            this.builder = builder;
            this.thread = new Thread(() -> {
                try {
                    builder.loop().run(leads::get);
                    ended.set(new Fenced("loop returned"));
                } catch (Throwable t) {
                    ended.set(t);
                }
            }, "old-leader");
            thread.setDaemon(true);
        }
    }

    /** Blocks the first call matching the rule until released; says when it is blocked. */
    private static final class Gate {
        final CountDownLatch reached = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicBoolean armed = new AtomicBoolean();

        void maybeWait(boolean matches) {
            if (matches && armed.compareAndSet(true, false)) {
                reached.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static Harness harness() {
        Harness h = new Harness();
        h.settings = h.settings(3, 1_000_000, 60, new SizeBand(100, 10_000), BuilderSettings.QuarantineMode.COPY, 3);
        return h;
    }

    private static void await(Duration limit, java.util.function.BooleanSupplier condition, String what) {
        long end = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /**
     * The old leader is inside writing a member when its lease expires; the new leader closes and ships the
     * old leader's open batch; the old leader's claim then lands in a batch whose list is fixed, and its
     * next step is refused (its term is over). The file comes back with its message and is claimed again.
     */
    @Test
    void aClaimLandingAfterTheNewLeaderClosedTheBatchIsClaimedAgain() throws Exception {
        Harness h = harness();
        List<String> uris = new ArrayList<>(List.of(h.upload("two/f1.json", 150), h.upload("two/f2.json", 160)));
        Gate gate = new Gate();
        FaultyStore oldStore = new FaultyStore(h.store)
                .beforeEach((op, at) -> gate.maybeWait(op.equals("put") && at.key().contains("batches/members/")));
        Replica old = new Replica(h.builder(oldStore, h.servers.sqs, StepHook.NONE, Clock.systemUTC()));
        old.thread.start();
        await(Duration.ofSeconds(60), () -> oldStore.calls(Point.CLAIM) >= 2, "the old leader to claim two files");

        gate.armed.set(true);
        uris.add(h.upload("two/f3.json", 170));
        assertTrue(gate.reached.await(60, TimeUnit.SECONDS), "the old leader reached the slow member write");
        old.leads.set(false); // its lease expired meanwhile

        FaultyStore newStore = new FaultyStore(h.store);
        h.settings = h.settings(3, 1_000_000, 2, new SizeBand(100, 10_000), BuilderSettings.QuarantineMode.COPY, 3);
        Harness.Builder leader = h.builder(newStore, h.servers.sqs, StepHook.NONE, Clock.systemUTC());
        assertEquals(1, leader.engine().recover().size(), "the new leader ships the old leader's open batch");
        gate.release.countDown();
        old.thread.join(60_000);
        assertInstanceOf(Fenced.class, old.ended.get(), "the old leader stops: " + old.ended.get());

        Harness.pollThroughErrors(leader, Duration.ofSeconds(90), () -> h.drained(leader));
        assertExactlyOnce(uris, h.sentManifests().values());
        assertEquals(h.manifestMessages().size(), h.sentManifests().size(), "no manifest sent twice");
        assertEquals(1, newStore.calls(Point.CLAIM_REPLACE), "the late claim was pointed at the new leader's batch");
    }

    /**
     * The old leader passed its term check and is about to close its full batch when its lease expires; the
     * new leader closes and ships that batch first. The old leader's close (If-Match on the record it
     * created) is refused by the store, so only one manifest exists for those files.
     */
    @Test
    void aDeposedLeadersLateCloseIsRefusedByTheStore() throws Exception {
        Harness h = harness();
        Gate gate = new Gate();
        gate.armed.set(true);
        BiPredicate<String, StoreUri> membersListing = (op, at) -> op.equals("list") && at.key().contains("batches/members/");
        FaultyStore oldStore = new FaultyStore(h.store).beforeEach((op, at) -> gate.maybeWait(membersListing.test(op, at)));
        List<String> uris = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            uris.add(h.upload("late/f" + i + ".json", 150 + i));
        }
        Replica old = new Replica(h.builder(oldStore, h.servers.sqs, StepHook.NONE, Clock.systemUTC()));
        old.thread.start();
        assertTrue(gate.reached.await(60, TimeUnit.SECONDS), "the old leader is closing its full batch");
        old.leads.set(false);

        FaultyStore newStore = new FaultyStore(h.store);
        h.settings = h.settings(3, 1_000_000, 2, new SizeBand(100, 10_000), BuilderSettings.QuarantineMode.COPY, 3);
        Harness.Builder leader = h.builder(newStore, h.servers.sqs, StepHook.NONE, Clock.systemUTC());
        assertEquals(1, leader.engine().recover().size());
        gate.release.countDown();
        old.thread.join(60_000);
        assertInstanceOf(Fenced.class, old.ended.get(), "the old leader's close is refused: " + old.ended.get());
        assertEquals(0, oldStore.calls(Point.MANIFEST), "the old leader wrote no manifest");

        Harness.pollThroughErrors(leader, Duration.ofSeconds(90), () -> h.drained(leader));
        assertExactlyOnce(uris, h.sentManifests().values());
        assertEquals(1, h.manifestMessages().size(), "one manifest message");
    }

    /**
     * Backfills have their own owner and term: a second backfill started while a first one is still running
     * (or after it was killed) ships what the first left open, and the first stops at its next file instead
     * of shipping a batch of its own.
     */
    @Test
    void aSecondBackfillFencesTheFirstAndFinishesItsBatch() {
        Harness h = harness();
        List<String> uris = new ArrayList<>();
        List<ObjectEvent> files = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            String key = "fill/f" + i + ".json";
            String etag = h.putObject(key, 150 + i);
            files.add(new ObjectEvent(h.input, key, 150 + i, etag, null, null));
            uris.add(h.uri(key));
        }
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        BatchEngine first = backfill(h, clock);
        first.recover();
        assertEquals(BatchEngine.Outcome.Kind.ACCEPTED, first.offer(files.get(0), true).kind());

        BatchEngine second = backfill(h, clock);
        assertEquals(1, second.recover().size(), "the second backfill ships the first one's open batch");
        clock.advance(Duration.ofSeconds(2)); // the term is checked at most once a second before offering
        org.junit.jupiter.api.Assertions.assertThrows(Fenced.class, () -> first.offer(files.get(1), true));
        org.junit.jupiter.api.Assertions.assertThrows(Fenced.class, first::flush);
        for (ObjectEvent f : files) {
            second.offer(f, true);
        }
        second.flush();
        assertExactlyOnce(uris, h.sentManifests().values());
        assertEquals(2, h.manifestMessages().size());
        assertTrue(second.ledger().openBatches("backfill").isEmpty());
    }

    private static BatchEngine backfill(Harness h, Clock clock) {
        BuilderMetrics metrics = new BuilderMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        return BuilderAssembly.engine(h.settings, h.store, h.servers.sqs, metrics, StepHook.NONE, clock, "backfill");
    }
}
