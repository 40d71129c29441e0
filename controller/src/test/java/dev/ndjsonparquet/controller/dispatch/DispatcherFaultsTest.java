package dev.ndjsonparquet.controller.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.controller.k8s.Await;
import dev.ndjsonparquet.manifest.ManifestCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Issue 10's "tests that would have caught these", dispatcher side: every call the dispatcher makes
 * takes effect and then fails, or the dispatcher is killed right after it, or its Lease moves to
 * another replica in the middle of a step. Each ends the same way: the manifest that converts has
 * exactly one COMPLETED application and its message deleted; the one that always fails has exactly
 * one dead letter with its reason and ran exactly max-attempts times. On both operators: the faults wrap the operator
 * seam, so the same calls fail whichever operator is behind it.
 */
class DispatcherFaultsTest extends WithHarness {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final int ATTEMPTS = 2;

    /** Every call faulted, and the writes also with a kill after them, on each operator. */
    static Stream<Arguments> faults() {
        List<Arguments> out = new ArrayList<>();
        for (OperatorKind operator : OperatorKind.values()) {
            for (Faults.Call call : Faults.Call.values()) {
                out.add(Arguments.of(operator, call, false));
            }
            for (Faults.Call call : List.of(Faults.Call.CREATE_APPLICATION, Faults.Call.DELETE_APPLICATION, Faults.Call.PATCH_APPLICATION,
                    Faults.Call.DELETE_MESSAGE, Faults.Call.SEND_DEAD_LETTER)) {
                out.add(Arguments.of(operator, call, true));
            }
        }
        return out.stream();
    }

    private Harness.Wiring faulty(Faults faults) {
        return h.wiring().withOperator(faults::operator).withQueues(
                q -> new dev.ndjsonparquet.controller.aws.SqsQueue(faults.sqs(h.aws.sqs(), Faults.Call.SEND_DEAD_LETTER), q.url()),
                q -> new dev.ndjsonparquet.controller.aws.SqsQueue(faults.sqs(h.aws.sqs(), Faults.Call.SEND_DEAD_LETTER), q.url()));
    }

    @ParameterizedTest(name = "{0}: {1}, killed after it: {2}")
    @MethodSource("faults")
    void everyCallAppliedThenFailingStillEndsWithOneCompletedApplicationOrOneDeadLetter(OperatorKind operatorKind, Faults.Call call,
                                                                                       boolean kill) {
        h.kind = operatorKind;
        String good = h.good("good-" + operatorKind + call + kill);
        String bad = h.good("bad-" + operatorKind + call + kill);
        String goodId = ManifestCodec.decodeMessage(good).manifestId();
        String badId = ManifestCodec.decodeMessage(bad).manifestId();
        h.send(good);
        h.send(bad);
        // Each armed call fails twice after taking effect (the first clean call of a kind goes through,
        // so the fault lands in the middle of the life-cycle, not only at its start).
        int skip = switch (call) {
            case DELETE_APPLICATION, SEND_DEAD_LETTER, PATCH_APPLICATION, CHANGE_VISIBILITY -> 0;
            default -> 1;
        };
        Faults faults = new Faults().arm(call, skip, 2);
        Harness.Limits limits = Harness.Limits.defaults().maxAttempts(ATTEMPTS).backoff(Duration.ZERO);
        List<Harness.Controller> started = new ArrayList<>();
        AtomicReference<Harness.Controller> current = new AtomicReference<>();
        if (kill) {
            faults.onFault(Faults::kill);
        }
        // Visibility is extended only once half of it has passed: let the runs last that long for that call.
        Duration runFor = call == Faults.Call.CHANGE_VISIBILITY ? Duration.ofSeconds(3) : Duration.ZERO;
        try (ScriptedOperator operator = new ScriptedOperator(h, badId::equals, runFor)) {
            Await.until(WAIT, () -> {
                if (current.get() == null || !current.get().alive()) {
                    current.set(h.controller(limits, () -> true, faulty(faults)));
                    started.add(current.get());
                }
                return h.depth(h.queue) == 0 && !h.drainDeadLettersNow().isEmpty();
            }, "both manifests settled under " + call + (kill ? " with a kill" : ""));
            // Nothing more happens once both are settled: two steps of a live dispatcher (the last kill may land
            // after its call settled the queue, so the loop that settled it may be dying: replace it).
            long[] target = {-1};
            Await.until(WAIT, () -> {
                if (!current.get().alive()) {
                    current.set(h.controller(limits, () -> true, faulty(faults)));
                    started.add(current.get());
                    target[0] = -1;
                }
                if (target[0] < 0) {
                    target[0] = current.get().metrics.loops() + 2;
                }
                return current.get().metrics.loops() >= target[0];
            }, "two steps of a live dispatcher after both manifests settled");
            assertTrue(faults.injected(call) >= 1, () -> call + " was never faulted");

            List<Run> goodApps = h.runs().stream().filter(a -> goodId.equals(a.manifestId())).toList();
            assertEquals(1, goodApps.size(), "one application for the manifest that converts");
            assertEquals(RunState.SUCCEEDED, goodApps.get(0).state(), goodApps.get(0).operatorState());
            List<Run> badApps = h.runs().stream().filter(a -> badId.equals(a.manifestId())).toList();
            assertEquals(1, badApps.size(), "only the last attempt of the failed manifest is left");
            assertTrue(badApps.get(0).deadLettered());
            assertEquals(ATTEMPTS, operator.runs().stream().filter(r -> r.contains(badId)).count(), "max-attempts runs, no more");
            assertEquals(1, operator.runs().stream().filter(r -> r.contains(goodId)).count(), "the good manifest ran once");

            List<Message> dead = h.drainDeadLettersNow();
            long forBad = dead.stream().filter(m -> badId.equals(m.messageAttributes().get("manifestId").stringValue())).count();
            if (call == Faults.Call.SEND_DEAD_LETTER) {
                // SQS has no idempotent send on standard queues: a send that failed after taking effect is
                // sent again, never lost; every copy carries the same key (docs/dispatcher.md, limits).
                assertEquals(1 + faults.injected(call), forBad, "one dead letter plus one copy per ambiguous send");
                assertEquals(1, dead.stream().map(m -> m.messageAttributes().get("deadLetterKey").stringValue()).distinct().count());
            } else {
                assertEquals(1, forBad, "exactly one dead letter for the failed manifest");
            }
            assertEquals(dead.size(), forBad, "no dead letter for the manifest that converted");
            assertTrue(dead.get(0).messageAttributes().get("reason").stringValue().contains("gave up after " + ATTEMPTS + " attempt"));
            assertEquals(0, h.depth(h.queue));
        } finally {
            started.forEach(Harness.Controller::close);
        }
    }

    @ParameterizedTest
    @EnumSource(OperatorKind.class)
    void twoReplicasWhoseLeaseMovesInTheMiddleOfSteps(OperatorKind operatorKind) {
        h.kind = operatorKind;
        String good = h.good("lease-good-" + operatorKind);
        String bad = h.good("lease-bad-" + operatorKind);
        String goodId = ManifestCodec.decodeMessage(good).manifestId();
        String badId = ManifestCodec.decodeMessage(bad).manifestId();
        AtomicReference<String> holder = new AtomicReference<>("a");
        // A's create succeeds, and its Lease expires while it does; later B loses it while it patches.
        Faults onA = new Faults().arm(Faults.Call.CREATE_APPLICATION, 0, 1).withoutThrowing().onFault(() -> holder.set("b"));
        Faults onB = new Faults().arm(Faults.Call.PATCH_APPLICATION, 0, 1).withoutThrowing().onFault(() -> holder.set("a"));
        Harness.Limits limits = Harness.Limits.defaults().maxAttempts(ATTEMPTS).backoff(Duration.ZERO);
        h.send(good);
        h.send(bad);
        try (ScriptedOperator operator = new ScriptedOperator(h, badId::equals, Duration.ZERO);
             Harness.Controller a = h.controller(limits, () -> holder.get().equals("a"), faulty(onA));
             Harness.Controller b = h.controller(limits, () -> holder.get().equals("b"), faulty(onB))) {
            Await.until(WAIT, () -> h.depth(h.queue) == 0 && !h.drainDeadLettersNow().isEmpty(), "both manifests settled");
            a.awaitLoops(3);
            b.awaitLoops(3);
            assertEquals(1, onA.injected(Faults.Call.CREATE_APPLICATION), "A lost the Lease in the middle of a create");
            assertEquals(1, onB.injected(Faults.Call.PATCH_APPLICATION), "B lost the Lease in the middle of a dead-lettering");
            assertEquals(1, h.runs().stream().filter(x -> goodId.equals(x.manifestId()) && x.state() == RunState.SUCCEEDED).count());
            assertEquals(ATTEMPTS, operator.runs().stream().filter(r -> r.contains(badId)).count());
            List<Message> dead = h.drainDeadLettersNow();
            assertEquals(1, dead.size(), "one dead letter although both replicas acted on the failed manifest");
            assertEquals(badId, dead.get(0).messageAttributes().get("manifestId").stringValue());
        }
    }
}
