package dev.ndjsonparquet.controller.builder;

import static dev.ndjsonparquet.controller.builder.Harness.assertExactlyOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A builder killed at each durable step, then a new builder on the same stores and queues: every file ends
 * in exactly one manifest that reached the manifest queue (a manifest re-sent keeps its id and files).
 */
class CrashTest {

    /** Thrown by the step hook; the builder instance that threw is abandoned, as a killed process would be. */
    static final class SimulatedCrash extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SimulatedCrash(Step step) {
            super("killed at " + step);
        }
    }

    @ParameterizedTest
    @EnumSource(Step.class)
    void restartedBuilderFinishesWhatTheKilledOneStarted(Step step) {
        Harness h = new Harness();
        h.settings = h.settings(4, 1_000_000, 2, new SizeBand(100, 10_000), BuilderSettings.QuarantineMode.COPY, 2);
        List<String> uris = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            uris.add(h.upload("crash/f" + i + ".json", 120 + i));
        }
        h.upload("crash/f1.json", 121); // a duplicate event as well

        // Mid-batch for claims (third file), the first occurrence otherwise.
        int crashAt = step == Step.CLAIMED ? 3 : 1;
        AtomicInteger seen = new AtomicInteger();
        Harness.Builder killed = h.builder(s -> {
            if (s == step && seen.incrementAndGet() == crashAt) {
                throw new SimulatedCrash(s);
            }
        }, Clock.systemUTC());
        killed.engine().recover();
        assertThrows(SimulatedCrash.class, () -> Harness.pollUntil(killed, Duration.ofSeconds(60), () -> false));

        Harness.Builder restarted = h.builder();
        restarted.engine().recover();
        Harness.pollUntil(restarted, Duration.ofSeconds(60),
                () -> h.queueDepth(h.ingestQueue) == 0 && restarted.loop().inFlightCount() == 0);

        assertExactlyOnce(uris, h.sentManifests().values());
        assertEquals(0, restarted.engine().ledger().openBatches("builder").size(), "no batch left open");
    }

    /** Four files batched and closed by a builder killed right after the close, and what its ledger holds then. */
    private record ClosedThenKilled(Harness h, List<String> files, Ledger ledger, Ledger.BatchRecord closed, String etag) {
    }

    private static ClosedThenKilled closedThenKilled(String prefix) {
        Harness h = new Harness();
        h.settings = h.settings(4, 1_000_000, 2, new SizeBand(100, 10_000), BuilderSettings.QuarantineMode.COPY, 2);
        List<String> files = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            files.add(h.upload(prefix + "/a" + i + ".json", 120 + i));
        }
        Harness.Builder killed = h.builder(s -> {
            if (s == Step.BATCH_CLOSED) {
                throw new SimulatedCrash(s);
            }
        }, Clock.systemUTC());
        killed.engine().recover();
        assertThrows(SimulatedCrash.class, () -> Harness.pollUntil(killed, Duration.ofSeconds(60), () -> false));
        Ledger ledger = killed.engine().ledger();
        var open = ledger.openBatches("builder");
        assertEquals(1, open.size(), "the killed builder left its closed batch");
        Ledger.BatchRecord closed = open.get(0).value();
        assertTrue(closed.closed() && closed.files().size() == 4, closed::toString);
        return new ClosedThenKilled(h, files, ledger, closed, open.get(0).etag());
    }

    /**
     * The batch, its record replaced by {@code edited}: a restarted builder stops it (counted once, nothing written or
     * sent for it, its record kept) and ships the files uploaded after it.
     */
    private static void assertStoppedAndTheBuilderGoesOn(ClosedThenKilled k, Ledger.BatchRecord edited, String prefix) {
        Harness h = k.h();
        assertTrue(k.ledger().replaceBatch(edited, k.etag()).isPresent());
        List<String> second = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            second.add(h.upload(prefix + "/b" + i + ".json", 130 + i));
        }
        Harness.Builder restarted = h.builder();
        assertEquals(List.of(), restarted.engine().recover(), "the stopped batch is not reported as finished");
        assertEquals(1.0, restarted.metrics().stoppedBatchCount(), "the stopped batch is counted");
        assertEquals(java.util.Set.of(edited.batchId()), restarted.engine().stoppedBatches());
        Harness.pollUntil(restarted, Duration.ofSeconds(60),
                () -> h.queueDepth(h.ingestQueue) == 0 && restarted.loop().inFlightCount() == 0);

        var sent = h.sentManifests().values();
        assertExactlyOnce(second, sent);
        assertTrue(sent.stream().flatMap(m -> m.files().stream()).noneMatch(f -> k.files().contains(f.uri())),
                "nothing of the stopped batch was shipped");
        assertEquals(1.0, restarted.metrics().stoppedBatchCount(), "redelivered files of the batch do not count it again");
        var kept = k.ledger().openBatches("builder");
        assertEquals(1, kept.size(), "the stopped batch stays in the ledger for an operator");
        assertEquals(edited.manifestId(), kept.get(0).value().manifestId());
        assertTrue(k.ledger().sentOf(edited.batchId()).isEmpty(), "no sent record for the stopped batch");
    }

    /**
     * A closed batch whose manifest, rebuilt from its closing record, gets another id than the one recorded at
     * close (here: the record edited after the crash) breaks the invariant exactly-once rests on. The restarted
     * builder stops that batch with an error (counted, nothing written or sent for it, its record kept in the
     * ledger) and goes on with the other files.
     */
    @Test
    void aBatchRebuiltWithAnotherIdThanRecordedAtCloseIsStoppedAndTheBuilderGoesOn() {
        ClosedThenKilled k = closedThenKilled("broken");
        Ledger.BatchRecord closed = k.closed();
        assertStoppedAndTheBuilderGoesOn(k, new Ledger.BatchRecord(closed.batchId(), closed.owner(), closed.term(),
                closed.openedAt(), closed.closedAt(), "not-the-rebuilt-id", closed.closeReason(), closed.files()), "broken");
    }

    /**
     * A batch whose manifest the contract refuses (two members naming one object: a ledger written by a defective or
     * another version) can never ship. It used to throw at every attempt, for ever, and the builder shipped nothing
     * else. Now it is stopped like a broken batch, counted, kept in the ledger, and the builder goes on.
     */
    @Test
    void aBatchWhoseManifestTheContractRefusesIsStoppedAndTheBuilderGoesOn() {
        ClosedThenKilled k = closedThenKilled("refused");
        Ledger.BatchRecord closed = k.closed();
        // A fifth member names the first one's object under another version; the recorded id is the one such a list
        // gives, so only the contract, not the id check, can refuse it.
        List<Ledger.Claim> files = new ArrayList<>(closed.files());
        Ledger.Claim a = files.get(0);
        files.add(new Ledger.Claim(a.bucket(), a.key(), "\"another-version\"", null, a.size() + 1, a.uri(), a.batchId(),
                a.claimedAt(), a.owner()));
        var manifestFiles = files.stream().sorted(java.util.Comparator.comparing(Ledger.Claim::uri))
                .map(c -> new dev.ndjsonparquet.manifest.ManifestFile(c.uri(), c.size(), c.etag(), c.versionId())).toList();
        String id = dev.ndjsonparquet.manifest.ManifestIds.fromFiles(manifestFiles);
        assertStoppedAndTheBuilderGoesOn(k, new Ledger.BatchRecord(closed.batchId(), closed.owner(), closed.term(),
                closed.openedAt(), closed.closedAt(), id, closed.closeReason(), files), "refused");
    }
}
