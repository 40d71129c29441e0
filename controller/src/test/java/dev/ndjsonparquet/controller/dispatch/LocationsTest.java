package dev.ndjsonparquet.controller.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.controller.k8s.ApplicationState;
import dev.ndjsonparquet.location.AllowedInputs;
import dev.ndjsonparquet.location.LocationPrefixes;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Location checks compare what a file system would open; run-time limits; the run-limit decision. Pure. */
class LocationsTest {

    @Test
    void pathsAreComparedDecodedAndRewritingSegmentsAreRefused() {
        AllowedInputs a = AllowedInputs.parse("file:/data/in/, s3://landing/in/");
        assertFalse(a.allows("file:/data/in/%2e%2e/secret/x.ndjson"), "decoded, this is /data/secret/x.ndjson");
        assertFalse(a.allows("file:/data/in/%2E%2E/secret/x.ndjson"));
        assertFalse(a.allows("file:/data/in/../secret/x.ndjson"));
        assertFalse(a.allows("s3a://landing/in//x.ndjson"));
        assertFalse(a.allows("s3a://landing/in/./x.ndjson"));
        assertFalse(a.allows("s3a://landing/in/%2F../x.ndjson"), "an encoded slash that decodes into a '..' segment");
        assertFalse(a.allows("s3a://landing/in/100%.ndjson"), "a bad escape is refused, not guessed");
        assertFalse(a.allows("file://otherhost/data/in/x.ndjson"));
        assertTrue(a.allows("file:///data/in/x%20y.ndjson"));
        assertTrue(a.allows("s3://landing/in/a/b..c/x.ndjson"), "'..' inside a name is not a segment");
        assertTrue(a.allows("s3a://landing/in/caf%C3%A9.ndjson"));
        assertTrue(LocationPrefixes.canonical("s3://landing/in/%2e%2e/x").refusal().contains("'..' segment"));
        assertTrue(LocationPrefixes.canonical("s3://landing/in//x").refusal().contains("empty segment"));
        assertTrue(LocationPrefixes.canonical("s3://landing/in/%zz").refusal().contains("bad percent escape"));
    }

    @Test
    void outputsAreFoldersAndSchemasFiles() {
        LocationPrefixes outputs = new LocationPrefixes("outputs", List.of("s3://lake/events/"));
        assertTrue(outputs.refusal("output", "s3a://lake/events", true).isEmpty(), "the prefix itself, without its slash");
        assertTrue(outputs.refusal("output", "s3a://lake/events/day=1/", true).isEmpty());
        assertTrue(outputs.refusal("output", "s3a://lake/events-secret/", true).orElseThrow().contains("outside the allowed outputs"));
        assertTrue(outputs.refusal("output", "s3a://lake/events/../x/", true).orElseThrow().contains("'..' segment"));
        assertTrue(new LocationPrefixes("x", List.of("s3://b")).problem(false).isPresent());
        assertTrue(new LocationPrefixes("x", List.of()).problem(true).isEmpty());
        assertTrue(new LocationPrefixes("x", List.of()).problem(false).isPresent());
    }

    @Test
    void theRunTimeLimitGrowsWithTheManifestAndHasAFloor() {
        RunTimeLimit l = new RunTimeLimit(50, Duration.ofHours(1));
        assertEquals(Duration.ofHours(1), l.forBytes(1_000_000));
        assertEquals(Duration.ofSeconds(10_000), l.forBytes(500_000_000_000L), "500 GB at 50 MB/s");
    }

    @Test
    void waitingForSparkOperatorIsBoundedByTheRunTimeLimitToo() {
        StatePolicy p = new StatePolicy(new RetryPolicy(2, Duration.ofSeconds(10)), Duration.ofMinutes(15));
        // This dispatcher has seen it for a minute only (adopted), but it was created two hours ago.
        Action a = p.decide(observe(ApplicationState.SUBMITTED, 1, Duration.ofMinutes(1), Duration.ofHours(2)));
        assertInstanceOf(Action.Retry.class, a);
        assertInstanceOf(Action.Wait.class, p.decide(observe(ApplicationState.SUBMITTED, 1, Duration.ofMinutes(1), Duration.ofMinutes(2))));
    }

    @Test
    void runningPastTheLimitIsAFailureAndWithinItAWait() {
        StatePolicy p = new StatePolicy(new RetryPolicy(2, Duration.ofSeconds(10)), Duration.ofMinutes(15));
        for (ApplicationState s : List.of(ApplicationState.RUNNING, ApplicationState.UNKNOWN, ApplicationState.SUCCEEDING,
                ApplicationState.FAILING)) {
            assertInstanceOf(Action.Wait.class, p.decide(observe(s, 1, Duration.ofHours(5), Duration.ofMinutes(59))));
            Action retry = p.decide(observe(s, 1, Duration.ofSeconds(1), Duration.ofMinutes(61)));
            assertInstanceOf(Action.Retry.class, retry);
            assertTrue(((Action.Retry) retry).reason().contains("run-time limit 3600 s"));
            assertInstanceOf(Action.DeadLetter.class, p.decide(observe(s, 2, Duration.ofSeconds(1), Duration.ofMinutes(61))));
        }
    }

    /** kubeflow's state through the seam's mapping, with a run-time limit of an hour. */
    private static StatePolicy.Observation observe(ApplicationState s, int attempt, Duration inState, Duration runTime) {
        return new StatePolicy.Observation(KubeflowOperator.stateOf(s, false), s.name(), null, attempt, inState, runTime,
                Duration.ofHours(1));
    }
}
