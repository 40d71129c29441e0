package dev.ndjsonparquet.controller.builder;

import static dev.ndjsonparquet.controller.builder.Harness.assertExactlyOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.controller.aws.SqsQueue;
import dev.ndjsonparquet.controller.builder.Step.StepHook;
import dev.ndjsonparquet.testsupport.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The builder's periodic reconciliation (a {@link ListingSweep} inside the ingest loop) over the in-process S3
 * server and ElasticMQ, on a test clock that the store's listings and claim reads move forward as a large bucket
 * would: the loop stays alive and keeps its messages between bounded steps, a new leader resumes the sweep from
 * the ledger instead of starting it over, and a sweep starts once per interval and takes the objects of its
 * lookback.
 */
class ListingSweepTest {

    /** The liveness probe's limit in the builder: /healthz fails when the loop has not turned for this long. */
    private static final Duration STALLED = Duration.ofMinutes(3);

    private record World(Harness h, MutableClock clock, FaultyStore store, FaultySqs sqs, List<String> uris) {
    }

    /** {@code files} objects under sweep/ that no notification announced; each listing page takes 20 s, each claim read 3 s. */
    private static World world(int files) {
        Harness h = new Harness();
        h.settings = h.settings(25, 1_000_000_000L, 3600, new SizeBand(100, 10_000), BuilderSettings.QuarantineMode.COPY, 300);
        MutableClock clock = new MutableClock(Instant.now());
        List<String> uris = new ArrayList<>();
        for (int i = 0; i < files; i++) {
            String key = String.format("sweep/f%03d.json", i);
            h.putObject(key, 150 + i);
            uris.add(h.uri(key));
        }
        FaultyStore store = new FaultyStore(h.store).beforeEach((op, at) -> {
            if (op.equals("list") && at.key().startsWith("sweep/")) {
                clock.advance(Duration.ofSeconds(20));
            } else if (op.equals("read") && at.key().contains("ledger/files/")) {
                clock.advance(Duration.ofSeconds(3));
            }
        });
        return new World(h, clock, store, FaultySqs.recording(h.servers.sqs, clock), uris);
    }

    private static ListingSweep sweep(World w, ObjectStore store, BuilderMetrics metrics) {
        return new ListingSweep(store, List.of(new StoreUri(w.h().input, "sweep/")), Duration.ofHours(1),
                Duration.ofHours(24), w.clock(), metrics, 10, 5);
    }

    private static IngestLoop loop(World w, BatchEngine engine, BuilderMetrics metrics, ListingSweep sweep) {
        return new IngestLoop(new SqsQueue(w.sqs(), w.h().ingestQueue), engine, metrics, StepHook.NONE, w.clock(), 300, sweep)
                .withMaxWaitSeconds(0).withSleeper(w.clock()::advance);
    }

    private static BatchEngine engine(World w, FaultyStore store, BuilderMetrics metrics) {
        return BuilderAssembly.engine(w.h().settings, store, w.sqs(), metrics, StepHook.NONE, w.clock(), "builder");
    }

    private static ListingSweep.Checkpoint checkpoint(World w) {
        return new Ledger(w.h().store, w.h().settings.ledgerLocation()).sweepCheckpoint(ListingSweep.NAME).orElseThrow();
    }

    /**
     * Sixty objects in pages of ten, five offers a turn: the sweep takes more than three minutes of the clock, so
     * a sweep done in one turn (as it was) leaves the loop silent that long and /healthz reports it stalled. Here
     * every check the loop makes of its liveness is recorded: none is further apart than a page or a turn's
     * offers, and a message held meanwhile never becomes visible.
     */
    @Test
    void aSweepGoesABoundedStepPerTurnSoTheLoopStaysAliveAndItsMessagesHeld() {
        World w = world(60);
        Harness h = w.h();
        List<String> all = new ArrayList<>(w.uris());
        all.add(h.upload("held/x.json", 150)); // its batch fills for an hour: the message is held all along
        BuilderMetrics metrics = new BuilderMetrics(new SimpleMeterRegistry());
        BatchEngine engine = engine(w, w.store(), metrics);
        ListingSweep sweep = sweep(w, w.store(), metrics);
        IngestLoop loop = loop(w, engine, metrics, sweep);
        List<Instant> turns = new ArrayList<>();
        loop.run(() -> {
            turns.add(w.clock().instant());
            if (metrics.acceptedCount() == all.size() && !sweep.running() && turns.size() > 1) {
                w.clock().advance(Duration.ofHours(1)); // the last batch closes by age
            }
            assertTrue(turns.size() < 2_000, "the loop did not finish");
            return !(h.queueDepth(h.ingestQueue) == 0 && metrics.manifestCount() == 3);
        });

        Duration longest = Duration.ZERO;
        for (int i = 1; i < turns.size(); i++) {
            Duration gap = Duration.between(turns.get(i - 1), turns.get(i));
            if (gap.compareTo(longest) > 0 && gap.compareTo(Duration.ofMinutes(59)) < 0) {
                longest = gap;
            }
        }
        assertTrue(longest.compareTo(Duration.ofSeconds(40)) <= 0 && longest.compareTo(STALLED) < 0,
                "the loop went " + longest + " without a turn");
        assertExactlyOnce(all, h.sentManifests().values());
        ListingSweep.Checkpoint done = checkpoint(w);
        assertFalse(done.running());
        assertEquals(new ListingSweep.Summary(60, 60, 0, 0, 0), done.summary());
        assertEquals(6, w.store().pageStarts().size(), "six pages of ten: " + w.store().pageStarts());
        assertEquals("sweep/ after sweep/f009.json", w.store().pageStarts().get(1), "the next page starts after the last key");
        OutagesTest.assertEachMessageHeldThroughout(w.sqs().log());
    }

    /**
     * A leader is lost in the middle of a sweep; the next one resumes from the position in the ledger (the same
     * sweep, the page after the last key offered), and every object ends in exactly one manifest.
     */
    @Test
    void aNewLeaderResumesTheSweepWhereTheLastOneStopped() {
        World w = world(30);
        Harness h = w.h();
        BuilderMetrics first = new BuilderMetrics(new SimpleMeterRegistry());
        BatchEngine engine1 = engine(w, w.store(), first);
        engine1.recover();
        IngestLoop loop1 = loop(w, engine1, first, sweep(w, w.store(), first));
        for (int i = 0; i < 100 && first.acceptedCount() < 12; i++) {
            loop1.pollOnce();
        }
        ListingSweep.Checkpoint stopped = checkpoint(w);
        assertTrue(stopped.running() && stopped.startAfter() != null, stopped.toString());
        // The first leader is gone (its Lease lost, its process killed): nothing of it runs again.

        FaultyStore store2 = new FaultyStore(h.store);
        BuilderMetrics second = new BuilderMetrics(new SimpleMeterRegistry());
        BatchEngine engine2 = engine(w, store2, second);
        engine2.recover();
        ListingSweep sweep2 = sweep(w, store2, second);
        IngestLoop loop2 = loop(w, engine2, second, sweep2);
        for (int i = 0; i < 200 && (i == 0 || sweep2.running()); i++) {
            loop2.pollOnce();
        }
        assertEquals("sweep/ after " + stopped.startAfter(), store2.pageStarts().get(0), "resumed, not started over");
        ListingSweep.Checkpoint done = checkpoint(w);
        assertFalse(done.running());
        assertEquals(stopped.startedAt(), done.startedAt(), "the same sweep");
        assertEquals(30, done.summary().listed());
        int pages = store2.pageStarts().size();
        w.clock().advance(Duration.ofMinutes(30));
        loop2.pollOnce();
        assertEquals(pages, store2.pageStarts().size(), "no new sweep before the interval has passed");
        engine2.flush();
        assertExactlyOnce(w.uris(), h.sentManifests().values());
    }

    /**
     * A sweep starts at once when none ever ran, then once the interval since the last one started has passed,
     * and offers only objects modified within its lookback of its start.
     */
    @Test
    void aSweepStartsOncePerIntervalAndTakesTheObjectsOfItsLookback() {
        Harness h = new Harness();
        Instant written = Instant.now();
        for (String k : List.of("lb/a.json", "lb/b.json", "lb/c.json")) {
            h.putObject(k, 150);
        }
        MutableClock clock = new MutableClock(written.plus(Duration.ofMinutes(30)));
        FaultyStore store = new FaultyStore(h.store);
        BuilderMetrics metrics = new BuilderMetrics(new SimpleMeterRegistry());
        BatchEngine engine = BuilderAssembly.engine(h.settings, store, h.servers.sqs, metrics, StepHook.NONE, clock, "builder");
        engine.recover();
        Retries retries = new Retries(clock, metrics);
        ListingSweep sweep = new ListingSweep(store, List.of(new StoreUri(h.input, "lb/")), Duration.ofHours(1),
                Duration.ofHours(1), clock, metrics, 10, 100);
        Ledger ledger = new Ledger(h.store, h.settings.ledgerLocation());
        Instant first = clock.instant();
        for (int i = 0; i < 5; i++) {
            sweep.turn(engine, retries, () -> { });
        }
        ListingSweep.Checkpoint c1 = ledger.sweepCheckpoint(ListingSweep.NAME).orElseThrow();
        assertEquals(first, c1.startedAt(), "the first sweep starts at once");
        assertFalse(c1.running());
        assertEquals(new ListingSweep.Summary(3, 3, 0, 0, 0), c1.summary(), "written 30 minutes ago, inside a lookback of an hour");

        int pages = store.pageStarts().size();
        clock.advance(Duration.ofMinutes(59));
        for (int i = 0; i < 5; i++) {
            sweep.turn(engine, retries, () -> { });
        }
        assertEquals(pages, store.pageStarts().size(), "59 minutes after the start: no new sweep");
        for (String k : List.of("lb/d.json", "lb/e.json")) {
            h.putObject(k, 150);
        }
        clock.advance(Duration.ofMinutes(1));
        Instant second = clock.instant();
        for (int i = 0; i < 5; i++) {
            sweep.turn(engine, retries, () -> { });
        }
        ListingSweep.Checkpoint c2 = ledger.sweepCheckpoint(ListingSweep.NAME).orElseThrow();
        assertEquals(second, c2.startedAt(), "an hour after the first start, a second sweep");
        assertEquals(second.minus(Duration.ofHours(1)), c2.newerThan());
        assertEquals(new ListingSweep.Summary(5, 0, 0, 0, 5), c2.summary(),
                "every object was written more than its lookback before the second start");
        assertEquals(3.0, metrics.acceptedCount());
    }

    /** A sweep left running over other prefixes (reconcile-location changed since) is not resumed: a new one starts. */
    @Test
    void aSweepOfOtherPrefixesIsNotResumed() {
        Harness h = new Harness();
        h.putObject("moved/a.json", 150);
        MutableClock clock = new MutableClock(Instant.now());
        Ledger ledger = new Ledger(h.store, h.settings.ledgerLocation());
        ledger.recordSweepCheckpoint(ListingSweep.NAME, new ListingSweep.Checkpoint(List.of("s3://elsewhere/old/"),
                clock.instant().minusSeconds(60), clock.instant().minus(Duration.ofHours(25)), 0, "old/zzz.json", null,
                new ListingSweep.Summary(7, 0, 7, 0, 0)));
        FaultyStore store = new FaultyStore(h.store);
        BuilderMetrics metrics = new BuilderMetrics(new SimpleMeterRegistry());
        BatchEngine engine = BuilderAssembly.engine(h.settings, store, h.servers.sqs, metrics, StepHook.NONE, clock, "builder");
        engine.recover();
        ListingSweep sweep = new ListingSweep(store, List.of(new StoreUri(h.input, "moved/")), Duration.ofHours(1),
                Duration.ofHours(1), clock, metrics, 10, 100);
        sweep.turn(engine, new Retries(clock, metrics), () -> { });
        assertEquals(List.of("moved/ after null"), store.pageStarts(), "listed from the start");
        ListingSweep.Checkpoint now = ledger.sweepCheckpoint(ListingSweep.NAME).orElseThrow();
        assertEquals(List.of("s3://" + h.input + "/moved/"), now.locations());
        assertEquals(clock.instant(), now.startedAt());
        assertEquals(new ListingSweep.Summary(1, 1, 0, 0, 0), now.summary());
    }
}
