package dev.ndjsonparquet.controller.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.controller.aws.SqsQueue;
import dev.ndjsonparquet.controller.k8s.Await;
import dev.ndjsonparquet.controller.k8s.LeaseLeadership;
import dev.ndjsonparquet.controller.k8s.SparkApplication;
import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestCodec;
import dev.ndjsonparquet.manifest.ManifestMessage;
import dev.ndjsonparquet.testsupport.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.sqs.model.Message;

/** The dispatcher against ElasticMQ and the Fabric8 CRUD mock server, spark-operator played by the test. */
class DispatcherTest extends WithHarness {

    static final Duration WAIT = Duration.ofSeconds(30);

    /** Every SparkApplication the controller created (status as spark-operator wrote it) matches the upstream CRD. */
    @AfterEach
    void everyApplicationValidatesAgainstTheCrd() {
        for (SparkApplication app : h.applications()) {
            SparkApplicationBuilderTest.CRD.assertValid(client.getKubernetesSerialization().asYaml(app));
        }
    }

    private static String nameOf(String body) {
        return Labels.applicationName(ManifestCodec.decodeMessage(body).manifestId());
    }

    private void awaitApplication(String name) {
        Await.until(WAIT, () -> h.application(name) != null, "application " + name);
    }

    private void awaitQueueEmpty() {
        Await.until(WAIT, () -> h.depth(h.queue) == 0, "the manifest queue to be empty");
    }

    @Test
    void aManifestRunsToCompletionAndItsMessageIsDeleted() {
        String body = h.good("happy");
        h.send(body);
        try (Harness.Controller c = h.controller(Harness.Limits.defaults(), () -> true)) {
            String name = nameOf(body);
            awaitApplication(name);
            SparkApplication app = h.application(name);
            SparkApplicationBuilderTest.CRD.assertValid(client.getKubernetesSerialization().asYaml(app));
            assertEquals(Labels.MANAGED_BY_VALUE, app.getMetadata().getLabels().get(Labels.MANAGED_BY));
            h.drive(name, "SUBMITTED", "RUNNING");
            c.awaitLoops(3);
            assertEquals(1, h.depth(h.queue), "the message stays (hidden) while the application runs");
            h.drive(name, "SUCCEEDING", "COMPLETED");
            awaitQueueEmpty();
            Await.until(WAIT, () -> c.count("applications_succeeded") == 1, "success to be counted");
            assertEquals(1, c.count("applications_launched"));
            assertEquals(0, h.depth(h.deadLetters));
            assertEquals(1, h.applications().size(), "finished applications are kept within the history limit");
        }
    }

    /** Every change of the applications is watched, and the cap checked after each one, not at sampled moments. */
    @Test
    void neverMoreThanMaxConcurrentRunsAndTheNextWaitsForOneToFinish() {
        List<String> bodies = List.of(h.good("c1"), h.good("c2"), h.good("c3"));
        bodies.forEach(h::send);
        try (RunWatch watch = new RunWatch(client, h.namespace);
             Harness.Controller c = h.controller(Harness.Limits.defaults().maxConcurrent(2), () -> true)) {
            Await.until(WAIT, () -> h.applications().size() == 2, "two applications");
            c.awaitLoops(4); // steps in which a third run would be created if the cap did not hold
            assertEquals(2, c.metrics.activeNow());
            String first = h.applications().get(0).getMetadata().getName();
            h.drive(first, "SUBMITTED", "RUNNING", "SUCCEEDING", "COMPLETED");
            Await.until(WAIT, () -> h.applications().size() == 3, "the third application once one finished");
            Await.until(WAIT, () -> watch.events().stream().filter(e -> e.startsWith("ADDED")).count() == 3
                    && watch.events().contains("MODIFIED " + first + " COMPLETED"), "the watch to have seen all three and the completion");
            List<String> events = watch.events();
            assertEquals(2, watch.maxActive(), () -> "the cap, reached and never passed, over every change: " + events);
            int completed = events.indexOf("MODIFIED " + first + " COMPLETED");
            assertEquals(2, events.subList(0, completed).stream().filter(e -> e.startsWith("ADDED")).count(),
                    () -> "the third application only after the first completed: " + events);
        }
    }

    /**
     * The same as a clean stop, with a kill in the middle of a call: the call takes effect, blocks (the pod frozen, a
     * partition), and the thread dies in it. A second dispatcher takes over from what the first left.
     */
    @ParameterizedTest(name = "killed inside {0}")
    @ValueSource(strings = {"CREATE_APPLICATION", "DELETE_MESSAGE"})
    void aControllerKilledInTheMiddleOfACallIsReplacedByOneThatCarriesOn(Faults.Call call) throws Exception {
        String body = h.good("killed-in-" + call);
        String name = nameOf(body);
        h.send(body);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch die = new CountDownLatch(1);
        Faults faults = new Faults().arm(call, 0, 1).onFault(() -> {
            inside.countDown();
            try {
                die.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Faults.kill();
        });
        Harness.Wiring frozen = h.wiring().withOperator(faults::operator).withQueues(
                q -> new SqsQueue(faults.sqs(h.aws.sqs(), Faults.Call.SEND_DEAD_LETTER), q.url()), q -> q);
        try (Harness.Controller first = h.controller(Harness.Limits.defaults(), () -> true, frozen)) {
            if (call == Faults.Call.DELETE_MESSAGE) {
                awaitApplication(name);
                h.drive(name, "SUBMITTED", "RUNNING", "SUCCEEDING", "COMPLETED");
            }
            assertTrue(inside.await(30, TimeUnit.SECONDS), "the first dispatcher inside " + call);
            if (call == Faults.Call.CREATE_APPLICATION) {
                assertTrue(h.application(name) != null, "the create took effect before the kill");
                assertEquals(1, h.depth(h.queue), "the message is in flight");
            } else {
                assertEquals(0, h.depth(h.queue), "the delete took effect before the kill");
            }
            die.countDown();
            Await.until(WAIT, () -> !first.alive(), "the first dispatcher's thread to die inside the call");
        }
        if (call == Faults.Call.CREATE_APPLICATION) {
            h.drive(name, "SUBMITTED", "RUNNING", "SUCCEEDING", "COMPLETED");
        }
        try (Harness.Controller second = h.controller(Harness.Limits.defaults(), () -> true)) {
            awaitQueueEmpty();
            second.awaitLoops(3);
            assertEquals(1, h.applications().size(), "one application, created once");
            assertEquals(0, second.count("applications_launched"));
            if (call == Faults.Call.CREATE_APPLICATION) {
                Await.until(WAIT, () -> second.count("applications_succeeded") == 1, "the adopted application to settle the message");
                assertEquals(1, second.count("applications_adopted"));
                assertEquals(1, second.count("messages_received"), "received again once its visibility ran out, then deleted");
            } else {
                assertEquals(0, second.count("messages_received"), "nothing left to receive: the delete had taken effect");
            }
            assertEquals(0, h.depth(h.deadLetters));
        }
    }

    @Test
    void aControllerKilledBeforeDeletingTheMessageIsReplacedByOneThatAdoptsTheApplication() {
        String body = h.good("restart");
        String name = nameOf(body);
        h.send(body);
        try (Harness.Controller first = h.controller(Harness.Limits.defaults(), () -> true)) {
            Await.until(WAIT, () -> first.count("applications_launched") == 1, "the first controller to create the application");
        } // killed: the message is neither deleted nor released
        h.drive(name, "SUBMITTED", "RUNNING", "SUCCEEDING", "COMPLETED");
        assertEquals(1, h.depth(h.queue), "the message survives the crash");
        try (Harness.Controller second = h.controller(Harness.Limits.defaults(), () -> true)) {
            awaitQueueEmpty();
            Await.until(WAIT, () -> second.count("applications_succeeded") == 1, "the adopted application to settle the message");
            assertEquals(1, second.count("applications_adopted"));
            assertEquals(0, second.count("applications_launched"));
            assertEquals(1, h.applications().size());
            second.awaitLoops(3);
            assertEquals(1, second.count("messages_received"), "deleted once, not received again");
        }
    }

    @Test
    void theSameManifestDeliveredTwiceRunsOnce() {
        String body = h.good("twice");
        String name = nameOf(body);
        h.send(body);
        h.send(body);
        try (Harness.Controller c = h.controller(Harness.Limits.defaults(), () -> true)) {
            Await.until(WAIT, () -> c.count("messages_received") == 2, "both copies");
            awaitApplication(name);
            h.drive(name, "SUBMITTED", "RUNNING", "SUCCEEDING", "COMPLETED");
            awaitQueueEmpty();
            assertEquals(1, h.applications().size());
            assertEquals(1, c.count("applications_launched"));
            assertEquals(0, h.depth(h.deadLetters));
        }
    }

    @Test
    void aFailedRunIsRetriedWithBackoffThenDeadLetteredWithTheReason() {
        String body = h.good("fail");
        String name = nameOf(body);
        h.send(body);
        // The dispatcher's clock stands still until the test moves it: the backoff is crossed when the test says,
        // not when a loaded machine happens to schedule the threads.
        MutableClock clock = new MutableClock(Instant.now());
        Harness.Limits limits = Harness.Limits.defaults().maxAttempts(2).visibility(Harness.FROZEN_CLOCK_VISIBILITY);
        try (Harness.Controller c = h.controller(limits, () -> true, h.wiring().withClock(clock))) {
            awaitApplication(name);
            h.drive(name, "SUBMITTED", "RUNNING", "FAILING", "PENDING_RERUN", "SUBMITTED", "RUNNING", "FAILING", "FAILED");
            String second = name + "-2";
            Await.until(WAIT, () -> c.count("applications_failed") == 1, "the failed run to be seen");
            c.awaitLoops(3);
            assertNull(h.application(second), "no second attempt before any of the backoff passed");
            clock.advance(limits.backoff().minusMillis(1));
            c.awaitLoops(3);
            assertNull(h.application(second), "no second attempt 1 ms before the backoff ends");
            clock.advance(Duration.ofMillis(1));
            Await.until(WAIT, () -> h.application(second) != null, "the second attempt's application once the backoff passed");
            assertEquals(2, SparkApplicationBuilder.attemptOf(h.application(second)));
            assertTrue(h.application(second).getSpec().getArguments().containsAll(List.of("--attempt", "2")));
            Await.until(WAIT, () -> h.application(name) == null, "the failed attempt to be deleted once the next exists");
            assertEquals(1, c.count("applications_retried"));
            assertEquals(1, h.depth(h.queue), "the message is kept during the retry");
            h.status(second, "SUBMISSION_FAILED", "failed to run spark-submit: image not found", 4);

            Message dead = h.drainDeadLetters(1).get(0);
            assertEquals(body, dead.body(), "the original message, so it can be redriven");
            String reason = dead.messageAttributes().get("reason").stringValue();
            assertTrue(reason.contains("submission failed") && reason.contains("image not found") && reason.contains("2 attempt"), reason);
            assertEquals("2", dead.messageAttributes().get("attempts").stringValue());
            assertEquals("failed", dead.messageAttributes().get("cause").stringValue());
            awaitQueueEmpty();
            assertEquals(1, c.metrics.deadLetteredCount("failed"));
            assertTrue(client.v1().events().inNamespace(h.namespace).list().getItems().stream()
                    .anyMatch(e -> "DeadLettered".equals(e.getReason()) && second.equals(e.getInvolvedObject().getName())));
            SparkApplication last = h.application(second);
            assertEquals(Boolean.TRUE, last.getSpec().additionalProperty("suspend"),
                    "a SUBMISSION_FAILED application whose driver may have started is suspended, so spark-operator deletes its pods");
            assertTrue(KubeflowOperator.deadLettered(last), "the decision is kept on the application");
        }
    }

    @Test
    void anApplicationStuckBeforeRunningTimesOut() {
        String body = h.good("stuck");
        String name = nameOf(body);
        h.send(body);
        // On the test clock: a stall of the test between the create and SUBMITTED cannot make it stuck in another state.
        MutableClock clock = new MutableClock(Instant.now());
        Duration stuck = Duration.ofSeconds(2);
        Harness.Limits limits = Harness.Limits.defaults().maxAttempts(1).stuck(stuck).visibility(Harness.FROZEN_CLOCK_VISIBILITY);
        try (Harness.Controller c = h.controller(limits, () -> true, h.wiring().withClock(clock))) {
            awaitApplication(name);
            h.drive(name, "SUBMITTED");
            c.awaitLoops(3);
            assertEquals(0, h.depth(h.deadLetters), "nothing is stuck before the clock moves");
            clock.advance(stuck);
            String reason = h.drainDeadLetters(1).get(0).messageAttributes().get("reason").stringValue();
            assertTrue(reason.contains("stuck in SUBMITTED"), reason);
            awaitQueueEmpty();
            SparkApplication app = h.application(name);
            assertEquals(Boolean.TRUE, app.getSpec().additionalProperty("suspend"), "the stuck application must not start later");
            Await.until(WAIT, () -> c.metrics.activeNow() == 0, "a suspended, dead-lettered application not to hold a run slot");
        }
    }

    /** A driver or executor pod Pending because no node has room for it (a spot shortage), as the scheduler reports it. */
    private void unschedulable(String manifestId, String podName, String role) {
        h.client.pods().inNamespace(h.namespace).resource(new io.fabric8.kubernetes.api.model.PodBuilder()
                .withNewMetadata().withName(podName).addToLabels(Labels.MANIFEST_ID, manifestId).addToLabels("spark-role", role).endMetadata()
                .withNewSpec().addNewContainer().withName("spark").withImage("spark").endContainer().endSpec()
                .withNewStatus().withPhase("Pending").addNewCondition().withType("PodScheduled").withStatus("False")
                .withReason("Unschedulable").withMessage("0/3 nodes are available: 3 Insufficient cpu").endCondition().endStatus()
                .build()).create();
    }

    @ParameterizedTest(name = "{0} waits")
    @CsvSource({"driver, SUBMITTED", "executor, RUNNING"})
    void waitingForNodesLongerThanTheStuckTimeoutSpendsNoAttempt(String role, String operatorState) {
        String body = h.good("waits-" + role);
        String name = nameOf(body);
        String manifestId = dev.ndjsonparquet.manifest.ManifestCodec.decodeMessage(body).manifestId();
        h.send(body);
        Duration stuck = Duration.ofSeconds(2);
        // On the test clock, so a stall of the test cannot run out the stuck timeout before the pod is seen waiting.
        MutableClock clock = new MutableClock(Instant.now());
        // One attempt only, and a run-time limit shorter than the wait: a wait counted as a failure would dead-letter.
        try (Harness.Controller c = h.controller(Harness.Limits.defaults().maxAttempts(1).stuck(stuck)
                .runLimit(Duration.ofSeconds(3)).visibility(Harness.FROZEN_CLOCK_VISIBILITY), () -> true,
                h.wiring().withClock(clock))) {
            awaitApplication(name);
            unschedulable(manifestId, name + "-" + role, role);
            h.drive(name, operatorState);
            c.awaitLoops(3);
            // Outlast the stuck timeout and the run-time limit while the pod waits, a second per step.
            for (int i = 0; i < 2 * stuck.toSeconds() + 1; i++) {
                clock.advance(Duration.ofSeconds(1));
                c.awaitLoops(1);
            }
            c.awaitLoops(2);
            assertEquals(0, c.count("applications_failed"), "a wait for nodes is no failed attempt");
            assertEquals(1, h.applications().size());
            // The node arrives: the pod is scheduled; the run goes on and converts.
            h.client.pods().inNamespace(h.namespace).withName(name + "-" + role).delete();
            h.drive(name, "RUNNING", "COMPLETED");
            awaitQueueEmpty();
            assertEquals(1, c.count("applications_succeeded"));
            assertEquals(0, c.count("applications_failed"));
            assertEquals(0, c.count("applications_retried"));
            assertEquals(0, c.metrics.deadLetteredCount("failed"));
            double[] waits = c.metrics.capacityWaits();
            assertEquals(1, waits[0], "one wait, ended when the pod was scheduled");
            assertTrue(waits[1] >= stuck.multipliedBy(2).toSeconds(), "waited " + waits[1] + " s");
        }
    }

    @Test
    void everyKindOfPoisonMessageIsDeadLetteredWithItsReasonWhileGoodOnesFlow() throws Exception {
        Manifest outside = Fixtures.manifest("s3a://elsewhere/in/", 1, 10, "o");
        Manifest valid = Fixtures.manifest("s3a://landing/in/", 1, 10, "v");
        Path broken = tmp.resolve("broken.json");
        Files.writeString(broken, new String(ManifestCodec.encode(valid)).replace("\"totalBytes\" : 10", "\"totalBytes\" : 11"));
        String otherUri = ManifestCodec.decodeMessage(h.write(Fixtures.manifest("s3a://landing/in/", 1, 10, "other"))).manifestUri();
        Map<String, String> poison = Map.of(
                "not json", "is not valid JSON",
                "{\"manifestUri\":\"file:/x\",\"fileCount\":1,\"totalBytes\":1}", "manifestId",
                message(tmp.resolve("missing.json").toUri().toString(), valid), "does not exist",
                message(broken.toUri().toString(), valid), "totalBytes",
                ManifestCodec.encodeMessage(new ManifestMessage(otherUri, valid.manifestId(), 1, 10)), "holds manifest");
        String good1 = h.good("g1");
        String good2 = h.good("g2");
        // A file outside the allowed inputs refuses only itself: its manifest runs, and its driver quarantines it.
        String refusedFile = h.write(outside);
        h.send(good1);
        poison.keySet().forEach(h::send);
        h.send(refusedFile);
        h.send(good2);
        try (Harness.Controller c = h.controller(Harness.Limits.defaults(), () -> true)) {
            List<Message> dead = h.drainDeadLetters(poison.size());
            Map<String, String> reasons = dead.stream().collect(Collectors.toMap(Message::body,
                    m -> m.messageAttributes().get("reason").stringValue()));
            poison.forEach((bodyText, expected) ->
                    assertTrue(reasons.get(bodyText) != null && reasons.get(bodyText).contains(expected),
                            () -> "reason for " + bodyText + ": " + reasons.get(bodyText)));
            awaitApplication(nameOf(good1));
            awaitApplication(nameOf(good2));
            awaitApplication(nameOf(refusedFile));
            assertEquals(poison.size(), c.metrics.deadLetteredCount("poison"));
            for (String body : List.of(good1, good2, refusedFile)) {
                h.drive(nameOf(body), "SUBMITTED", "RUNNING", "SUCCEEDING", "COMPLETED");
            }
            awaitQueueEmpty();
            assertEquals(3, h.applications().size());
        }
    }

    private static String message(String uri, Manifest m) {
        return ManifestCodec.encodeMessage(ManifestMessage.of(uri, m));
    }

    @Test
    void withTwoControllersOnlyTheLeaseHolderCreatesApplicationsAndTheOtherTakesOver() {
        List<String> bodies = List.of(h.good("l1"), h.good("l2"), h.good("l3"));
        bodies.forEach(h::send);
        // The margins LeaseLeadershipTest found necessary on a loaded 2-core machine: a 20 s Lease renewed every second
        // (15 s renew deadline), so no stall short of 15 s costs the leader its Lease. The take-over below does not
        // wait for expiry: the leaving leader releases the Lease.
        LeaseLeadership.Config a = new LeaseLeadership.Config(h.namespace, "dispatcher", "a",
                Duration.ofSeconds(20), Duration.ofSeconds(15), Duration.ofSeconds(1));
        LeaseLeadership.Config b = new LeaseLeadership.Config(h.namespace, "dispatcher", "b",
                Duration.ofSeconds(20), Duration.ofSeconds(15), Duration.ofSeconds(1));
        LeaseLeadership leaseA = LeaseLeadership.start(client, a);
        LeaseLeadership leaseB = LeaseLeadership.start(client, b);
        Harness.Controller ca = h.controller(Harness.Limits.defaults(), leaseA::isLeader);
        Harness.Controller cb = h.controller(Harness.Limits.defaults(), leaseB::isLeader);
        try {
            Await.until(WAIT, () -> h.applications().size() == 3, "three applications");
            Harness.Controller leader = ca.count("applications_launched") > 0 ? ca : cb;
            Harness.Controller follower = leader == ca ? cb : ca;
            LeaseLeadership leaderLease = leader == ca ? leaseA : leaseB;
            LeaseLeadership followerLease = leader == ca ? leaseB : leaseA;
            follower.awaitLoops(3);
            assertEquals(3, leader.count("applications_launched"));
            assertEquals(0, follower.count("messages_received"));
            assertEquals(0, follower.count("applications_launched"));

            leader.close();       // the leader's pod goes away ...
            leaderLease.close();  // ... and its Lease is released
            Await.until(WAIT, followerLease::isLeader, "the other replica to lead");
            bodies.forEach(body -> h.drive(nameOf(body), "SUBMITTED", "RUNNING", "SUCCEEDING", "COMPLETED"));
            awaitQueueEmpty();
            Await.until(WAIT, () -> follower.count("applications_succeeded") == 3, "the new leader to settle all three");
            assertEquals(3, follower.count("applications_adopted"));
            assertEquals(0, follower.count("applications_launched"));
            assertEquals(3, h.applications().size());
        } finally {
            ca.close();
            cb.close();
            leaseA.close();
            leaseB.close();
        }
    }

    @Test
    void aReplicaThatIsNotTheLeaderTouchesNothing() {
        h.send(h.good("follower"));
        try (Harness.Controller follower = h.controller(Harness.Limits.defaults(), () -> false)) {
            follower.awaitLoops(5);
            assertEquals(0, follower.count("messages_received"));
            assertEquals(0, h.applications().size());
            assertEquals(1, h.depth(h.queue));
        }
    }
}
