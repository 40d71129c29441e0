package dev.ndjsonparquet.controller.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.controller.k8s.Await;
import dev.ndjsonparquet.controller.k8s.SparkApplication;
import dev.ndjsonparquet.manifest.ManifestCodec;
import dev.ndjsonparquet.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The order of a retry whose previous attempt may still run (here: RUNNING past its run-time limit), and the
 * run cap while that attempt is on its way out. The previous attempt is suspended first (so spark-operator
 * removes its pods), then the next attempt is created (so the attempt count is on a resource at every moment),
 * then the previous one is deleted; until it is gone it still counts against {@code max-concurrent-runs}.
 * Each call may take effect and then throw, which ends the step between two of these moves; the next step
 * must go on in the same order. The previous attempt carries a finalizer, as spark-operator's do, so its
 * delete leaves it listed (being deleted) until the test, playing spark-operator, removes the finalizer.
 */
class RetryOrderTest extends WithHarness {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final String FINALIZER = "sparkoperator.k8s.io/finalizer";

    /**
     * The operator seam with faults, recording each write that took effect and, at that moment, what a wrong order
     * would show on the server: a next attempt created while an earlier one may still run and is not stopped, or an
     * attempt deleted while no later one exists.
     */
    private static final class Recording {
        final List<String> writes = new CopyOnWriteArrayList<>();
        final List<String> violations = new CopyOnWriteArrayList<>();

        SparkOperator around(SparkOperator real, Faults faults) {
            Recording r = this;
            // Recorded when the real call returns, before the fault (outside) throws: a write that took effect.
            return faults.operator(new ForwardingOperator(real) {
                @Override
                public Created createOrAdopt(SparkApplicationBuilder.Request request) {
                    int attempt = request.attempt();
                    for (SparkApplication earlier : sameManifest(request.manifest().manifestId())) {
                        if (SparkApplicationBuilder.attemptOf(earlier) < attempt && !earlier.state().isTerminal()
                                && !earlier.suspendRequested()) {
                            r.violations.add("created attempt " + attempt + " while " + earlier.getMetadata().getName()
                                    + " may still run and is not suspended");
                        }
                    }
                    Created c = real.createOrAdopt(request);
                    r.writes.add("create " + c.run().name());
                    return c;
                }

                @Override
                public Run annotate(String name, Map<String, String> annotations) {
                    Run a = real.annotate(name, annotations);
                    r.writes.add("annotate " + name);
                    return a;
                }

                @Override
                public void stop(String name) {
                    real.stop(name);
                    r.writes.add("suspend " + name);
                }

                @Override
                public boolean delete(String name) {
                    SparkApplication app = h.application(name);
                    if (app != null) {
                        int attempt = SparkApplicationBuilder.attemptOf(app);
                        boolean later = sameManifest(app.getMetadata().getLabels().get(Labels.MANIFEST_ID)).stream()
                                .anyMatch(a -> SparkApplicationBuilder.attemptOf(a) > attempt);
                        if (!later) {
                            r.violations.add("deleted " + name + " while no later attempt exists");
                        }
                    }
                    boolean deleted = real.delete(name);
                    r.writes.add("delete " + name);
                    return deleted;
                }
            });
        }

        /** Each write in the order it first took effect (a step after a fault repeats some: the delete of one being deleted). */
        List<String> firstWrites(String prefixOfManifest) {
            List<String> out = new ArrayList<>();
            for (String w : new LinkedHashSet<>(writes)) {
                if (w.contains(prefixOfManifest)) {
                    out.add(w);
                }
            }
            return out;
        }
    }

    private static List<SparkApplication> sameManifest(String manifestId) {
        return h.applications().stream()
                .filter(a -> manifestId.equals(a.getMetadata().getLabels().get(Labels.MANIFEST_ID)))
                .toList();
    }

    private static String idOf(String body) {
        return ManifestCodec.decodeMessage(body).manifestId();
    }

    /**
     * @param faultAfter the call that takes effect and then throws during the retry, ending the step there
     *                   (NONE: no fault)
     */
    @ParameterizedTest(name = "fault after {0}")
    @ValueSource(strings = {"NONE", "PATCH_APPLICATION", "CREATE_APPLICATION", "DELETE_APPLICATION"})
    void suspendThenCreateThenDeleteAndTheSuspendedAttemptHoldsARunSlotUntilItIsGone(String faultAfter) {
        MutableClock clock = new MutableClock(Instant.now());
        Faults faults = new Faults();
        if (!faultAfter.equals("NONE")) {
            Faults.Call call = Faults.Call.valueOf(faultAfter);
            // The first create is attempt 1's; the fault hits the retry's own call.
            faults.arm(call, call == Faults.Call.CREATE_APPLICATION ? 1 : 0, 1);
        }
        Recording recording = new Recording();
        String retried = h.good("order-" + faultAfter);
        String id = idOf(retried);
        String first = Labels.applicationName(id);
        String second = Labels.applicationName(id, 2);
        h.send(retried);
        Harness.Limits limits = Harness.Limits.defaults().maxConcurrent(2).runLimit(Duration.ofMinutes(30)).backoff(Duration.ZERO);
        try (Harness.Controller c = h.controller(limits, () -> true, h.wiring().withClock(clock)
                .withOperator(o -> recording.around(o, faults)))) {
            Await.until(WAIT, () -> h.application(first) != null, "attempt 1");
            client.resources(SparkApplication.class).inNamespace(h.namespace).withName(first).edit(a -> {
                a.getMetadata().setFinalizers(List.of(FINALIZER)); // spark-operator's, as on a real cluster
                return a;
            });
            h.drive(first, "SUBMITTED", "RUNNING");
            c.awaitLoops(2);
            assertNull(h.application(second), "no retry within the run-time limit");

            clock.advance(Duration.ofMinutes(31)); // attempt 1 may still run: it never left RUNNING

            Await.until(WAIT, () -> h.application(second) != null, "attempt 2");
            Await.until(WAIT, () -> recording.writes.contains("delete " + first), "the delete of attempt 1");
            if (!faultAfter.equals("NONE")) {
                assertEquals(1, faults.injected(Faults.Call.valueOf(faultAfter)), "the fault happened during the retry");
            }
            assertEquals(List.of("create " + first, "suspend " + first, "create " + second, "delete " + first),
                    recording.firstWrites(first), "the retry's writes in the order they took effect");
            assertEquals(List.of(), recording.violations);
            SparkApplication leaving = h.application(first);
            assertTrue(leaving != null && leaving.getMetadata().getDeletionTimestamp() != null,
                    "attempt 1 is being deleted and still listed (its finalizer)");
            assertEquals(Boolean.TRUE, leaving.getSpec().additionalProperty("suspend"));

            // Attempt 1 on its way out and attempt 2 are two runs: with a cap of 2, another manifest waits.
            String waiting = h.good("waiting-" + faultAfter);
            String waitingName = Labels.applicationName(idOf(waiting));
            h.send(waiting);
            c.awaitLoops(4);
            assertNull(h.application(waitingName), "a third run while the suspended attempt is still there");
            assertEquals(2, c.metrics.activeNow(), "the suspended attempt and its successor");

            client.resources(SparkApplication.class).inNamespace(h.namespace).withName(first).edit(a -> {
                a.getMetadata().setFinalizers(List.of()); // spark-operator done with it
                return a;
            });
            Await.until(WAIT, () -> h.application(first) == null, "attempt 1 gone");
            Await.until(WAIT, () -> h.application(waitingName) != null, "the waiting manifest's run once attempt 1 is gone");
            assertEquals(1, c.count("applications_retried"));
            assertEquals(1, h.applications().stream().filter(a -> id.equals(a.getMetadata().getLabels().get(Labels.MANIFEST_ID))).count(),
                    "one application of the retried manifest: attempt 2");
        }
    }
}
