package dev.ndjsonparquet.controller.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.controller.k8s.ApplicationState;
import dev.ndjsonparquet.controller.k8s.SparkApplication;
import dev.ndjsonparquet.controller.k8s.SparkApplicationStatus;
import dev.ndjsonparquet.location.AllowedInputs;
import dev.ndjsonparquet.manifest.ExecutorSizing;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The pure deciding parts: sizing, retries, the state machine (kubeflow's states through the operator seam's mapping,
 * then the shared policy), allowed inputs, history.
 */
class PoliciesTest {

    private final StatePolicy policy = new StatePolicy(new RetryPolicy(3, Duration.ofSeconds(10)), Duration.ofMinutes(15));

    private Action decide(ApplicationState s, int attempt, Duration inState) {
        return decide(s, false, attempt, inState);
    }

    private Action decide(ApplicationState s, boolean operatorRetriesSubmission, int attempt, Duration inState) {
        return policy.decide(new StatePolicy.Observation(KubeflowOperator.stateOf(s, operatorRetriesSubmission), s.name(),
                "driver OOM", attempt, inState));
    }

    @Test
    void executorsFollowBytesWithinBounds() {
        ExecutorSizing s = new ExecutorSizing(16, 2, 40);
        assertEquals(2, s.executorsFor(0));
        assertEquals(2, s.executorsFor(Fixtures.GIB));
        assertEquals(25, s.executorsFor(400 * Fixtures.GIB));
        assertEquals(26, s.executorsFor(400 * Fixtures.GIB + 1));
        assertEquals(40, s.executorsFor(5000 * Fixtures.GIB));
    }

    @Test
    void retriesBackOffExponentiallyUpToACap() {
        RetryPolicy r = new RetryPolicy(3, Duration.ofSeconds(60));
        assertTrue(r.mayRetryAfter(1));
        assertTrue(r.mayRetryAfter(2));
        assertFalse(r.mayRetryAfter(3));
        assertEquals(Duration.ofSeconds(60), r.backoffAfter(1));
        assertEquals(Duration.ofSeconds(120), r.backoffAfter(2));
        assertEquals(RetryPolicy.MAX_BACKOFF, r.backoffAfter(30));
    }

    @Test
    void oneDecisionPerState() {
        assertInstanceOf(Action.Wait.class, decide(ApplicationState.NEW, 1, Duration.ZERO));
        for (ApplicationState s : List.of(ApplicationState.SUBMITTED, ApplicationState.RUNNING, ApplicationState.SUCCEEDING,
                ApplicationState.FAILING, ApplicationState.PENDING_RERUN, ApplicationState.UNKNOWN)) {
            assertInstanceOf(Action.Wait.class, decide(s, 1, Duration.ofMinutes(1)), s::name);
        }
        assertInstanceOf(Action.Complete.class, decide(ApplicationState.COMPLETED, 1, Duration.ZERO));
        Action.Retry r = assertInstanceOf(Action.Retry.class, decide(ApplicationState.FAILED, 1, Duration.ZERO));
        assertEquals(2, r.nextAttempt());
        assertEquals(Duration.ofSeconds(10), r.backoff());
        assertTrue(r.reason().contains("driver OOM"), r.reason());
        assertEquals(Duration.ofSeconds(20),
                assertInstanceOf(Action.Retry.class, decide(ApplicationState.SUBMISSION_FAILED, 2, Duration.ZERO)).backoff());
        Action.DeadLetter d = assertInstanceOf(Action.DeadLetter.class, decide(ApplicationState.FAILED, 3, Duration.ZERO));
        assertTrue(d.reason().contains("driver OOM") && d.reason().contains("3 attempt"), d.reason());
    }

    @Test
    void notStartingForTooLongIsAFailureButRunningLongIsNot() {
        for (ApplicationState s : List.of(ApplicationState.NEW, ApplicationState.SUBMITTED, ApplicationState.PENDING_RERUN)) {
            Action.Retry r = assertInstanceOf(Action.Retry.class, decide(s, 1, Duration.ofMinutes(15)), s::name);
            assertTrue(r.reason().startsWith("stuck in " + s), r.reason());
        }
        assertInstanceOf(Action.Wait.class, decide(ApplicationState.RUNNING, 1, Duration.ofDays(1)));
        assertInstanceOf(Action.Wait.class, decide(ApplicationState.SUBMISSION_FAILED, true, 1, Duration.ZERO));
    }

    @Test
    void allowedInputsArePrefixesEndingInASlash() {
        AllowedInputs a = AllowedInputs.parse("s3://landing/in/, file:/data/");
        assertTrue(a.problem().isEmpty());
        assertTrue(a.allows("s3a://landing/in/x.ndjson"));
        assertTrue(a.allows("s3://landing/in/sub/x.ndjson"));
        assertTrue(a.allows("file:///data/x.ndjson"));
        assertFalse(a.allows("s3://landing/input/x.ndjson"));
        assertFalse(a.allows("s3://other/in/x.ndjson"));
        assertFalse(a.allows("s3://landing/in/../secret/x"));
        assertTrue(AllowedInputs.parse("s3://landing/in").problem().isPresent());
        assertTrue(AllowedInputs.parse("https://x/").problem().isPresent());
        assertTrue(AllowedInputs.parse(" ").problem().isPresent());
        assertEquals(1, a.refusals(Fixtures.manifest("s3://other/", 1, 1, "x")).size());
    }

    @Test
    void historyKeepsTheNewestAndNeverTouchesPendingOrRecentOnes() {
        Instant now = Instant.parse("2026-01-02T00:00:00Z");
        List<Run> owned = java.util.stream.Stream.of(
                app("a", "COMPLETED", "2026-01-01T01:00:00Z"),
                app("b", "FAILED", "2026-01-01T02:00:00Z"),
                app("c", "COMPLETED", "2026-01-01T03:00:00Z"),
                app("d", "RUNNING", "2026-01-01T00:00:00Z"),
                app("e", "COMPLETED", "2026-01-01T23:59:00Z"),
                app("f", "COMPLETED", "2026-01-01T00:30:00Z")).map(KubeflowOperator::toRun).toList();
        assertEquals(List.of("b", "a"), History.toDelete(owned, Set.of("f"), 2, now, Duration.ofMinutes(10)));
    }

    private static SparkApplication app(String name, String state, String finished) {
        SparkApplication a = new SparkApplication();
        a.setMetadata(new ObjectMetaBuilder().withName(name).withCreationTimestamp("2026-01-01T00:00:00Z").build());
        SparkApplicationStatus s = new SparkApplicationStatus();
        s.setApplicationState(new SparkApplicationStatus.State(state, null));
        s.setTerminationTime(finished);
        a.setStatus(s);
        return a;
    }
}
