package dev.ndjsonparquet.controller.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.controller.builder.TestServers;
import dev.ndjsonparquet.controller.k8s.Await;
import dev.ndjsonparquet.manifest.ManifestCodec;
import dev.ndjsonparquet.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Liveness and durable bookkeeping (issue 11): nothing waits for ever on an application, and the attempt
 * count, the run's start and the dead-letter decision live on the applications, not in a dispatcher's memory. Each
 * on both operators, the test playing the operator's states ({@link Harness.Step}).
 */
class DispatcherBookkeepingTest extends WithHarness {

    static final Duration WAIT = Duration.ofSeconds(30);

    private static String idOf(String body) {
        return ManifestCodec.decodeMessage(body).manifestId();
    }

    private void await(String what, java.util.function.BooleanSupplier condition) {
        Await.until(WAIT, condition, what);
    }

    // ---- liveness -------------------------------------------------------------------------------

    /**
     * A state each operator may report for ever: kubeflow's RUNNING, and UNKNOWN (its status lost); Apache's
     * RunningHealthy, and RunningWithBelowThresholdExecutors (executors lost and never replaced).
     */
    static Stream<Arguments> endlessStates() {
        return Stream.of(Arguments.of(OperatorKind.KUBEFLOW, "RUNNING"), Arguments.of(OperatorKind.KUBEFLOW, "UNKNOWN"),
                Arguments.of(OperatorKind.APACHE, "RunningHealthy"), Arguments.of(OperatorKind.APACHE, "RunningWithBelowThresholdExecutors"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("endlessStates")
    void anApplicationThatNeverLeavesRunningOrUnknownIsRetriedPastItsRunTimeLimit(OperatorKind kind, String state) {
        h.kind = kind;
        MutableClock clock = new MutableClock(Instant.now());
        String body = h.good("limit-" + kind + state);
        String id = idOf(body);
        h.send(body);
        Harness.Limits limits = Harness.Limits.defaults().runLimit(Duration.ofMinutes(30)).backoff(Duration.ZERO)
                .visibility(Harness.FROZEN_CLOCK_VISIBILITY);
        try (Harness.Controller c = h.controller(limits, () -> true, h.wiring().withClock(clock))) {
            await("the first attempt", () -> h.run(Labels.applicationName(id)) != null);
            h.play(Labels.applicationName(id), Harness.Step.SUBMITTED);
            h.state(Labels.applicationName(id), state, null);
            c.awaitLoops(3);
            assertNull(h.run(Labels.applicationName(id, 2)), "no retry within the limit");
            clock.advance(Duration.ofMinutes(31));
            await("the second attempt after the run-time limit", () -> h.run(Labels.applicationName(id, 2)) != null);
            await("the timed-out attempt to be deleted", () -> h.run(Labels.applicationName(id)) == null);
            assertEquals(1, c.count("applications_retried"));
            assertEquals(1, h.depth(h.queue), "the message stays for the retry");
        }
    }

    @ParameterizedTest
    @EnumSource(OperatorKind.class)
    void theRunTimeLimitCountsFromTheApplicationsStartNotFromItsAdoptionByANewDispatcher(OperatorKind kind) {
        h.kind = kind;
        MutableClock clock = new MutableClock(Instant.now());
        String body = h.good("adopted-limit-" + kind);
        String id = idOf(body);
        h.send(body);
        Harness.Limits limits = Harness.Limits.defaults().runLimit(Duration.ofMinutes(30)).backoff(Duration.ZERO);
        try (Harness.Controller first = h.controller(limits, () -> true, h.wiring().withClock(clock))) {
            await("the first attempt", () -> h.run(Labels.applicationName(id)) != null);
        } // killed
        h.play(Labels.applicationName(id), Harness.Step.SUBMITTED, Harness.Step.RUNNING);
        h.state(Labels.applicationName(id), kind == OperatorKind.KUBEFLOW ? "UNKNOWN" : "RunningWithBelowThresholdExecutors", null);
        clock.advance(Duration.ofMinutes(31));
        // The clock stands still from here: a dispatcher that started counting at adoption would wait for ever.
        try (Harness.Controller second = h.controller(limits, () -> true, h.wiring().withClock(clock))) {
            await("the adopted, timed-out application to be retried", () -> h.run(Labels.applicationName(id, 2)) != null);
            assertEquals(1, second.count("applications_adopted"), "the first attempt was adopted");
            await("the retry counted (right after its create)", () -> second.count("applications_retried") == 1);
            assertEquals(2, h.run(Labels.applicationName(id, 2)).attempt());
        }
    }

    // ---- durable bookkeeping --------------------------------------------------------------------

    /**
     * Killed right after the retry created attempt 2 (attempt 1 still there), or right after it deleted
     * attempt 1: either way the next dispatcher goes on with attempt 3, not attempt 1.
     */
    static Stream<Arguments> killsInARetry() {
        return Stream.of(OperatorKind.values()).flatMap(o -> Stream.of(Arguments.of(o, Faults.Call.CREATE_APPLICATION),
                Arguments.of(o, Faults.Call.DELETE_APPLICATION)));
    }

    @ParameterizedTest(name = "{0}: killed after {1}")
    @MethodSource("killsInARetry")
    void aDispatcherKilledInTheMiddleOfARetryLeavesTheAttemptCountOnTheApplications(OperatorKind kind, Faults.Call killedAfter) {
        h.kind = kind;
        String body = h.good("killed-retry-" + kind + killedAfter);
        String id = idOf(body);
        h.send(body);
        Harness.Limits limits = Harness.Limits.defaults().maxAttempts(3).backoff(Duration.ZERO);
        // The first create (attempt 1) goes through; the kill follows attempt 2's create, or attempt 1's delete.
        Faults faults = new Faults().arm(killedAfter, killedAfter == Faults.Call.CREATE_APPLICATION ? 1 : 0, 1);
        faults.onFault(Faults::kill);
        try (Harness.Controller killed = h.controller(limits, () -> true, h.wiring().withOperator(faults::operator))) {
            await("the first attempt", () -> h.run(Labels.applicationName(id)) != null);
            h.play(Labels.applicationName(id), Harness.Step.SUBMITTED, Harness.Step.RUNNING, Harness.Step.FAILED);
            await("the kill in the middle of the retry", () -> faults.injected(killedAfter) == 1);
            await("the killed loop to end", () -> !killed.alive());
        }
        assertNotNull(h.run(Labels.applicationName(id, 2)), "attempt 2 was created before the kill");
        h.play(Labels.applicationName(id, 2), Harness.Step.SUBMITTED, Harness.Step.RUNNING, Harness.Step.FAILED);
        try (Harness.Controller second = h.controller(limits, () -> true)) {
            await("attempt 3, not attempt 1 again", () -> h.run(Labels.applicationName(id, 3)) != null);
            await("earlier attempts deleted", () -> h.runs().size() == 1);
            assertEquals(3, h.runs().get(0).attempt());
            h.play(Labels.applicationName(id, 3), Harness.Step.SUBMITTED, Harness.Step.RUNNING, Harness.Step.FAILED);
            Message dead = h.drainDeadLetters(1).get(0);
            assertEquals("3", dead.messageAttributes().get("attempts").stringValue(), "three runs in all, not five");
            await("the message settled", () -> h.depth(h.queue) == 0);
        }
    }

    @ParameterizedTest
    @EnumSource(OperatorKind.class)
    void aManifestDeliveredThreeTimesAndFailingEveryRunIsDeadLetteredOnce(OperatorKind kind) {
        h.kind = kind;
        String body = h.good("thrice-" + kind);
        String id = idOf(body);
        h.send(body);
        h.send(body);
        Harness.Limits limits = Harness.Limits.defaults().maxAttempts(2).backoff(Duration.ZERO);
        try (ScriptedOperator operator = new ScriptedOperator(h, m -> true, Duration.ZERO);
             Harness.Controller c = h.controller(limits, () -> true)) {
            Message dead = h.drainDeadLetters(1).get(0);
            assertEquals(id, dead.messageAttributes().get("manifestId").stringValue());
            await("both copies settled", () -> h.depth(h.queue) == 0);
            h.send(body); // a third delivery, after the manifest was dead-lettered
            await("the third copy received", () -> c.count("messages_received") == 3);
            await("the third copy settled", () -> h.depth(h.queue) == 0);
            c.awaitLoops(3);
            assertEquals(0, h.drainDeadLetters(0).size(), "no second dead letter");
            assertEquals(1, c.metrics.deadLetteredCount("failed"));
            assertEquals(2, operator.runs().size(), "two runs in all, not two per delivery");
        }
    }

    @ParameterizedTest
    @EnumSource(OperatorKind.class)
    void aRedrivenDeadLetterStartsANewRoundInsteadOfBeingDeadLetteredAgainAtOnce(OperatorKind kind) {
        h.kind = kind;
        String body = h.good("redrive-" + kind);
        String id = idOf(body);
        h.send(body);
        Harness.Limits limits = Harness.Limits.defaults().maxAttempts(1).backoff(Duration.ZERO);
        try (Harness.Controller c = h.controller(limits, () -> true)) {
            await("the first attempt", () -> h.run(Labels.applicationName(id)) != null);
            h.play(Labels.applicationName(id), Harness.Step.SUBMITTED, Harness.Step.RUNNING, Harness.Step.FAILED);
            Message dead = h.drainDeadLetters(1).get(0);
            await("the message settled", () -> h.depth(h.queue) == 0);

            redrive(dead);
            await("a new round's application", () -> h.run(Labels.applicationName(id, 2)) != null);
            c.awaitLoops(3);
            assertEquals(0, h.drainDeadLetters(0).size(), "not dead-lettered again at once");
            Run second = h.run(Labels.applicationName(id, 2));
            assertEquals(2, second.firstAttempt());
            h.play(Labels.applicationName(id, 2), Harness.Step.SUBMITTED, Harness.Step.RUNNING, Harness.Step.SUCCEEDED);
            await("the redriven message settled and the success counted (right after the delete)",
                    () -> h.depth(h.queue) == 0 && c.count("applications_succeeded") == 1);
            assertEquals(List.of(Labels.applicationName(id, 2)), h.runs().stream().map(Run::name).toList());
        }
    }

    /**
     * Issue 20, item 1. A manifest dead-lettered twice (attempt 1, then a redriven round's attempt 2), whose
     * applications are then all deleted (history trimming, spark-operator's TTL), is redriven a second time. The
     * drivers' attempt markers (attempts 1 and 2) are still in its output, and the fence lets only the newest attempt
     * commit: the new round must run above them (attempt 3), not start again at 1 and be superseded, round after
     * round, with a reason that says nothing useful. The dead letters say which attempt failed and why.
     */
    @ParameterizedTest
    @EnumSource(OperatorKind.class)
    void aRedrivenDeadLetterWhoseApplicationsWereTrimmedRunsAboveTheAttemptMarkersAndCanSucceed(OperatorKind kind) {
        h.kind = kind;
        S3Client s3 = TestServers.get().s3;
        Harness.bucket(s3, ScriptedOperator.BUCKET);
        String body = h.good("trimmed-" + kind);
        String id = idOf(body);
        h.send(body);
        AtomicBoolean fixed = new AtomicBoolean();
        Harness.Limits limits = Harness.Limits.defaults().maxAttempts(1).backoff(Duration.ZERO);
        try (ScriptedOperator operator = new ScriptedOperator(h, (m, attempt) -> !fixed.get(), Duration.ZERO, s3);
             Harness.Controller c = h.controller(limits, () -> true)) {
            Message first = h.drainDeadLetters(1).get(0);
            await("the first message settled", () -> h.depth(h.queue) == 0);
            redrive(first);
            Message second = h.drainDeadLetters(1).get(0);
            await("the redriven message settled", () -> h.depth(h.queue) == 0);
            for (Message dead : List.of(first, second)) {
                String reason = dead.messageAttributes().get("reason").stringValue();
                assertTrue(reason.contains("application failed: driver pod failed") && reason.contains("gave up after 1 attempt"), reason);
            }
            assertTrue(first.messageAttributes().get("reason").stringValue().contains("last attempt 1 (" + Labels.applicationName(id) + ")"));
            assertTrue(second.messageAttributes().get("reason").stringValue().contains("last attempt 2 (" + Labels.applicationName(id, 2)
                    + "), a round that started at attempt 2"), second.messageAttributes().get("reason").stringValue());
            assertEquals("2", second.messageAttributes().get("lastAttempt").stringValue());

            // History trimming (or spark-operator's TTL) removes every application; the drivers' markers stay.
            h.deleteAllApplications();
            await("every application gone", () -> h.runs().isEmpty());
            fixed.set(true); // whatever failed the runs is mended, and the operator redrives once more
            redrive(second);

            await("the redriven message settled", () -> h.depth(h.queue) == 0);
            List<String> third = h.drainDeadLettersNow().stream().map(m -> m.messageAttributes().get("reason").stringValue()).toList();
            assertEquals(List.of(), third, "no third dead letter");
            await("the third round converted the manifest", () -> c.count("applications_succeeded") == 1);
            Run done = h.runs().get(0);
            assertEquals(3, done.attempt(), "above the markers of attempts 1 and 2");
            assertEquals(3, done.firstAttempt(), "the round counts from its own first attempt");
            assertEquals(List.of(), List.copyOf(operator.superseded()), "no run was superseded by an old marker");
            assertEquals(3, operator.runs().size(), "one run per round");
        }
    }

    /**
     * A run superseded by a newer attempt's marker that the dispatcher did not number (someone ran {@code convert
     * --attempt 5} while attempt 1 ran): the dead letter says so, and the redriven round runs above it.
     */
    @ParameterizedTest
    @EnumSource(OperatorKind.class)
    void aRunSupersededByANewerMarkerIsDeadLetteredWithThatReasonAndTheNextRoundRunsAboveIt(OperatorKind kind) {
        h.kind = kind;
        S3Client s3 = TestServers.get().s3;
        Harness.bucket(s3, ScriptedOperator.BUCKET);
        String body = h.good("manual-rerun-" + kind);
        String id = idOf(body);
        h.send(body);
        Harness.Limits limits = Harness.Limits.defaults().maxAttempts(1).backoff(Duration.ZERO);
        try (ScriptedOperator operator = new ScriptedOperator(h, (m, attempt) -> false, Duration.ZERO, s3, (m, attempt) -> {
                if (attempt == 1) {
                    ScriptedOperator.writeMarker(s3, m, 5); // a manual rerun's driver, started meanwhile
                }
            });
             Harness.Controller c = h.controller(limits, () -> true)) {
            Message dead = h.drainDeadLetters(1).get(0);
            String reason = dead.messageAttributes().get("reason").stringValue();
            assertTrue(reason.contains("ExitCode: 3") && reason.contains("marker of attempt 5")
                    && reason.contains("attempt 1's driver was superseded"), reason);
            assertEquals(List.of(Labels.applicationName(id)), List.copyOf(operator.superseded()));
            await("the message settled", () -> h.depth(h.queue) == 0);
            redrive(dead);
            await("the redriven round converted the manifest", () -> c.count("applications_succeeded") == 1);
            assertEquals(6, h.run(Labels.applicationName(id, 6)).attempt(), "above the marker of attempt 5");
        }
    }

    /** What an operator's redrive does: the dead letter, body and attributes, back on the manifest queue. */
    private static void redrive(Message dead) {
        Map<String, String> attrs = new LinkedHashMap<>();
        dead.messageAttributes().forEach((k, v) -> attrs.put(k, v.stringValue()));
        h.queue.send(dead.body(), attrs);
    }
}
