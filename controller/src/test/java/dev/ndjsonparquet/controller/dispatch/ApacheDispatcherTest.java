package dev.ndjsonparquet.controller.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.controller.k8s.Await;
import dev.ndjsonparquet.manifest.ManifestCodec;
import dev.ndjsonparquet.testsupport.MutableClock;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The dispatcher's shared policy (completion, run cap, retries with backoff, dead letters, adoption, stuck runs)
 * against the Apache Spark operator's resource, on the Fabric8 CRUD mock server with the vendored CRD, the test
 * playing Apache's operator (its states and history); what it left is checked against the CRD ({@link WithHarness}).
 * The kubeflow side of the same policy is DispatcherTest.
 */
class ApacheDispatcherTest extends WithHarness {

    static final Duration WAIT = Duration.ofSeconds(30);

    @BeforeEach
    void apache() {
        h.kind = OperatorKind.APACHE;
    }

    private static String nameOf(String body) {
        return Labels.applicationName(ManifestCodec.decodeMessage(body).manifestId());
    }

    private void awaitApplication(String name) {
        Await.until(WAIT, () -> h.apacheApplication(name) != null, "application " + name);
    }

    @Test
    void aManifestRunsThroughApachesStatesToCompletionAndItsMessageIsDeleted() {
        String body = h.good("apache-happy");
        h.send(body);
        try (Harness.Controller c = h.controller(Harness.Limits.defaults(), () -> true)) {
            String name = nameOf(body);
            awaitApplication(name);
            h.driveApache(name, "Submitted", "DriverRequested", "DriverStarted", "DriverReady", "RunningHealthy");
            c.awaitLoops(3);
            assertEquals(1, h.depth(h.queue), "the message stays (hidden) while the application runs");
            assertEquals(1, c.metrics.activeNow());
            h.driveApache(name, "Succeeded", "ResourceReleased");
            Await.until(WAIT, () -> h.depth(h.queue) == 0, "the manifest queue to be empty");
            Await.until(WAIT, () -> c.count("applications_succeeded") == 1, "success to be counted");
            assertEquals(0, h.depth(h.deadLetters));
            assertEquals(1, h.apacheApplications().size(), "finished applications are kept within the history limit");
        }
    }

    @Test
    void neverMoreThanMaxConcurrentRunsAndTheNextWaitsForOneToFinish() {
        List.of(h.good("ac1"), h.good("ac2"), h.good("ac3")).forEach(h::send);
        try (Harness.Controller c = h.controller(Harness.Limits.defaults().maxConcurrent(2), () -> true)) {
            Await.until(WAIT, () -> h.apacheApplications().size() == 2, "two applications");
            String first = h.apacheApplications().get(0).getMetadata().getName();
            h.driveApache(first, "Submitted", "DriverRequested");
            c.awaitLoops(4); // steps in which a third run would be created if the cap did not hold
            assertEquals(2, h.apacheApplications().size(), "waiting for capacity (DriverRequested) holds a slot");
            assertEquals(2, c.metrics.activeNow());
            h.driveApache(first, "DriverStarted", "RunningHealthy", "Succeeded", "ResourceReleased");
            Await.until(WAIT, () -> h.apacheApplications().size() == 3, "the third application once one finished");
        }
    }

    @Test
    void aFailedRunIsRetriedAfterItsBackoffThenDeadLetteredWithTheReason() {
        String body = h.good("apache-fail");
        String name = nameOf(body);
        h.send(body);
        MutableClock clock = new MutableClock(Instant.now());
        Harness.Limits limits = Harness.Limits.defaults().maxAttempts(2).visibility(Harness.FROZEN_CLOCK_VISIBILITY);
        try (Harness.Controller c = h.controller(limits, () -> true, h.wiring().withClock(clock))) {
            awaitApplication(name);
            h.driveApache(name, "Submitted", "DriverRequested", "DriverStarted", "RunningHealthy", "Failed");
            String second = name + "-2";
            Await.until(WAIT, () -> c.count("applications_failed") == 1, "the failed run to be seen");
            c.awaitLoops(3);
            assertNull(h.apacheApplication(second), "no second attempt before the backoff passed");
            clock.advance(limits.backoff());
            Await.until(WAIT, () -> h.apacheApplication(second) != null, "the second attempt once the backoff passed");
            assertEquals("2", h.apacheApplication(second).getMetadata().getAnnotations().get(Labels.ATTEMPT));
            Map<?, ?> spec = (Map<?, ?>) h.apacheApplication(second).getAdditionalProperties().get("spec");
            assertTrue(((List<?>) spec.get("driverArgs")).containsAll(List.of("--attempt", "2")));
            Await.until(WAIT, () -> h.apacheApplication(name) == null,
                    "the failed attempt (its executors not yet released) to be deleted: 1.0.0 has no suspend");
            assertEquals(1, c.count("applications_retried"));

            h.driveApache(second, "Submitted", "DriverRequested", "DriverStartTimedOut", "ResourceReleased");
            Message dead = h.drainDeadLetters(1).get(0);
            assertEquals(body, dead.body());
            String reason = dead.messageAttributes().get("reason").stringValue();
            assertTrue(reason.contains("submission failed") && reason.contains("2 attempt"), reason);
            Await.until(WAIT, () -> h.depth(h.queue) == 0, "the manifest queue to be empty");
            GenericKubernetesResource last = h.apacheApplication(second);
            assertEquals("true", String.valueOf(last.getMetadata().getAnnotations().get(Labels.DEAD_LETTER_SENT) != null),
                    "the decision and the send are kept on the released application");
            Await.until(WAIT, () -> c.metrics.activeNow() == 0, "a dead-lettered application not to hold a run slot");
        }
    }

    @Test
    void aRunStuckBeforeItsDriverIsRequestedIsStoppedByDeletingIt() {
        String body = h.good("apache-stuck");
        String name = nameOf(body);
        h.send(body);
        // On the test clock: a stall of the test between the create and Submitted cannot make it stuck in another state.
        MutableClock clock = new MutableClock(Instant.now());
        Duration stuck = Duration.ofSeconds(2);
        Harness.Limits limits = Harness.Limits.defaults().maxAttempts(1).stuck(stuck).visibility(Harness.FROZEN_CLOCK_VISIBILITY);
        try (Harness.Controller c = h.controller(limits, () -> true, h.wiring().withClock(clock))) {
            awaitApplication(name);
            h.driveApache(name, "Submitted");
            c.awaitLoops(3);
            assertEquals(0, h.depth(h.deadLetters), "nothing is stuck before the clock moves");
            clock.advance(stuck);
            String reason = h.drainDeadLetters(1).get(0).messageAttributes().get("reason").stringValue();
            assertTrue(reason.contains("stuck in Submitted"), reason);
            Await.until(WAIT, () -> h.depth(h.queue) == 0, "the manifest queue to be empty");
            Await.until(WAIT, () -> h.apacheApplication(name) == null, "the stuck application deleted, so it cannot start later");
            Await.until(WAIT, () -> c.metrics.activeNow() == 0, "no run slot held");
        }
    }

    @Test
    void aRestartedDispatcherAdoptsTheRunningApplicationInsteadOfCreatingAnother() {
        String body = h.good("apache-adopt");
        String name = nameOf(body);
        h.send(body);
        try (Harness.Controller c = h.controller(Harness.Limits.defaults(), () -> true)) {
            awaitApplication(name);
            h.driveApache(name, "Submitted", "DriverRequested", "DriverStarted", "RunningHealthy");
            c.awaitLoops(2);
        }
        try (Harness.Controller c = h.controller(Harness.Limits.defaults(), () -> true)) {
            Await.until(WAIT, () -> c.count("applications_adopted") == 1, "the application to be adopted when the message returns");
            assertEquals(0, c.count("applications_launched"));
            h.driveApache(name, "Succeeded", "ResourceReleased");
            Await.until(WAIT, () -> h.depth(h.queue) == 0, "the manifest queue to be empty");
            assertEquals(1, h.apacheApplications().size(), "one application, created once");
        }
    }
}
