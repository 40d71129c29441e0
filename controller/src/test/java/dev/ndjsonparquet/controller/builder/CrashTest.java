package dev.ndjsonparquet.controller.builder;

import static dev.ndjsonparquet.controller.builder.Harness.assertExactlyOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
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
}
