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
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The order of a retry whose previous attempt may still run (here: RUNNING past its run-time limit), and the
 * run cap while that attempt is on its way out. The previous attempt is suspended first (so spark-operator
 * removes its pods), then the next attempt is created (so the attempt count is on a resource at every moment),
 * then the previous one is deleted; until it is gone it still counts against {@code max-concurrent-runs}.
 * Each call may take effect and then throw, which ends the step between two of these moves; the next step
 * must go on in the same order. The previous attempt carries a finalizer, as the operators' do, so its
 * delete leaves it listed (being deleted) until the test, playing the operator, removes the finalizer. On both
 * operators: Apache's 1.0.0 has no suspend, so its stop is the delete, and the same order holds through the seam.
 */
class RetryOrderTest extends WithHarness {

    static final Duration WAIT = Duration.ofSeconds(30);

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
                    for (Run earlier : sameManifest(request.manifest().manifestId())) {
                        if (earlier.attempt() < attempt && earlier.mayStillRun() && !earlier.stopRequested()) {
                            r.violations.add("created attempt " + attempt + " while " + earlier.name()
                                    + " may still run and is not stopped");
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
                    Run app = h.run(name);
                    if (app != null) {
                        int attempt = app.attempt();
                        boolean later = sameManifest(app.manifestId()).stream().anyMatch(a -> a.attempt() > attempt);
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

    private static List<Run> sameManifest(String manifestId) {
        return h.runs().stream().filter(a -> manifestId.equals(a.manifestId())).toList();
    }

    private static String idOf(String body) {
        return ManifestCodec.decodeMessage(body).manifestId();
    }

    /**
     * @param faultAfter the call that takes effect and then throws during the retry, ending the step there
     *                   (NONE: no fault)
     */
    static Stream<Arguments> faults() {
        return Stream.of(OperatorKind.values()).flatMap(o -> Stream.of("NONE", "PATCH_APPLICATION", "CREATE_APPLICATION",
                "DELETE_APPLICATION").map(f -> Arguments.of(o, f)));
    }

    @ParameterizedTest(name = "{0}: fault after {1}")
    @MethodSource("faults")
    void suspendThenCreateThenDeleteAndTheSuspendedAttemptHoldsARunSlotUntilItIsGone(OperatorKind operator, String faultAfter) {
        h.kind = operator;
        MutableClock clock = new MutableClock(Instant.now());
        Faults faults = new Faults();
        if (!faultAfter.equals("NONE")) {
            Faults.Call call = Faults.Call.valueOf(faultAfter);
            // The first create is attempt 1's; the fault hits the retry's own call.
            faults.arm(call, call == Faults.Call.CREATE_APPLICATION ? 1 : 0, 1);
        }
        Recording recording = new Recording();
        String retried = h.good("order-" + operator + faultAfter);
        String id = idOf(retried);
        String first = Labels.applicationName(id);
        String second = Labels.applicationName(id, 2);
        h.send(retried);
        Harness.Limits limits = Harness.Limits.defaults().maxConcurrent(2).runLimit(Duration.ofMinutes(30)).backoff(Duration.ZERO)
                .visibility(Harness.FROZEN_CLOCK_VISIBILITY);
        try (Harness.Controller c = h.controller(limits, () -> true, h.wiring().withClock(clock)
                .withOperator(o -> recording.around(o, faults)))) {
            Await.until(WAIT, () -> h.run(first) != null, "attempt 1");
            h.finalizers(first, List.of(h.finalizer())); // the operator's, as on a real cluster
            h.play(first, Harness.Step.SUBMITTED, Harness.Step.RUNNING);
            c.awaitLoops(2);
            assertNull(h.run(second), "no retry within the run-time limit");

            clock.advance(Duration.ofMinutes(31)); // attempt 1 may still run: it never left RUNNING

            Await.until(WAIT, () -> h.run(second) != null, "attempt 2");
            Await.until(WAIT, () -> recording.writes.contains("delete " + first), "the delete of attempt 1");
            if (!faultAfter.equals("NONE")) {
                assertEquals(1, faults.injected(Faults.Call.valueOf(faultAfter)), "the fault happened during the retry");
            }
            assertEquals(List.of("create " + first, "suspend " + first, "create " + second, "delete " + first),
                    recording.firstWrites(first), "the retry's writes in the order they took effect");
            assertEquals(List.of(), recording.violations);
            Run leaving = h.run(first);
            assertTrue(leaving != null && ((io.fabric8.kubernetes.api.model.HasMetadata) leaving.resource()).getMetadata()
                    .getDeletionTimestamp() != null, "attempt 1 is being deleted and still listed (its finalizer)");
            assertTrue(leaving.stopRequested(), "asked to stop (kubeflow: spec.suspend; Apache: the delete)");
            if (operator == OperatorKind.KUBEFLOW) {
                assertEquals(Boolean.TRUE, ((SparkApplication) leaving.resource()).getSpec().additionalProperty("suspend"));
            }

            // Attempt 1 on its way out and attempt 2 are two runs: with a cap of 2, another manifest waits.
            String waiting = h.good("waiting-" + operator + faultAfter);
            String waitingName = Labels.applicationName(idOf(waiting));
            h.send(waiting);
            c.awaitLoops(4);
            assertNull(h.run(waitingName), "a third run while the suspended attempt is still there");
            assertEquals(2, c.metrics.activeNow(), "the suspended attempt and its successor");

            h.finalizers(first, List.of()); // the operator done with it
            Await.until(WAIT, () -> h.run(first) == null, "attempt 1 gone");
            Await.until(WAIT, () -> h.run(waitingName) != null, "the waiting manifest's run once attempt 1 is gone");
            assertEquals(1, c.count("applications_retried"));
            assertEquals(1, sameManifest(id).size(), "one application of the retried manifest: attempt 2");
        }
    }
}
