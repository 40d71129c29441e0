package dev.ndjsonparquet.controller.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ndjsonparquet.controller.k8s.Await;
import dev.ndjsonparquet.manifest.ManifestCodec;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 26: executors that wait for nodes (a spot shortage) and then run on on-demand and spot nodes. The dispatcher,
 * against the Fabric8 CRUD mock server, spends no attempt on the wait and records the wait and the executor-seconds by
 * capacity type from the pods' own timestamps and the nodes' labels: figures computed here by hand.
 */
class OverflowFiguresTest extends WithHarness {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private void node(String name, String label, String value) {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name).addToLabels(label, value).endMetadata().build())
                .createOr(existing -> existing.update());
    }

    private Pod executor(String podName, String application, String manifestId) {
        return client.pods().inNamespace(h.namespace).resource(new PodBuilder()
                .withNewMetadata().withName(podName).addToLabels(Labels.MANIFEST_ID, manifestId).addToLabels("spark-role", "executor")
                .addToLabels(CapacityWait.APP_NAME_LABEL, application).endMetadata()
                .withNewSpec().addNewContainer().withName("spark-kubernetes-executor").withImage("spark").endContainer().endSpec()
                .withNewStatus().withPhase("Pending").addNewCondition().withType("PodScheduled").withStatus("False")
                .withReason("Unschedulable").withMessage("0/3 nodes are available: no spot capacity").endCondition().endStatus()
                .build()).create();
    }

    /** The pod bound to {@code node} at {@code scheduled}, running; or, with {@code ended}, its container finished then. */
    private void bound(String podName, String node, Instant scheduled, Instant ended) {
        Pod p = client.pods().inNamespace(h.namespace).withName(podName).get();
        var status = new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase(ended == null ? "Running" : "Succeeded")
                .addNewCondition().withType("PodScheduled").withStatus("True").withLastTransitionTime(scheduled.toString()).endCondition();
        if (ended != null) {
            status.addNewContainerStatus().withName("spark-kubernetes-executor").withNewState().withNewTerminated()
                    .withExitCode(0).withFinishedAt(ended.toString()).endTerminated().endState().endContainerStatus();
        }
        p.getSpec().setNodeName(node);
        p.setStatus(status.build());
        client.pods().inNamespace(h.namespace).resource(p).update();
    }

    @Test
    void executorsThatWaitedThenRanOnDemandAndOnSpotAreCountedFromTheirPods() {
        node("od-1", "karpenter.sh/capacity-type", "on-demand");
        node("spot-1", "eks.amazonaws.com/capacityType", "SPOT");
        String body = h.good("overflow");
        String manifestId = ManifestCodec.decodeMessage(body).manifestId();
        String name = Labels.applicationName(manifestId);
        h.send(body);
        Duration stuck = Duration.ofSeconds(2);
        // On the test clock: a stall of the test between RUNNING and the executors' creation cannot run out the limits.
        dev.ndjsonparquet.testsupport.MutableClock clock = new dev.ndjsonparquet.testsupport.MutableClock(Instant.now());
        try (Harness.Controller c = h.controller(Harness.Limits.defaults().maxAttempts(1).stuck(stuck)
                .runLimit(Duration.ofSeconds(3)).visibility(Harness.FROZEN_CLOCK_VISIBILITY), () -> true,
                h.wiring().withClock(clock))) {
            Await.until(WAIT, () -> h.application(name) != null, "application " + name);
            h.drive(name, "SUBMITTED", "RUNNING");
            List<Pod> pods = List.of(executor(name + "-exec-1", name, manifestId), executor(name + "-exec-2", name, manifestId),
                    executor(name + "-exec-3", name, manifestId));
            // Another attempt's executor of the same manifest, on an on-demand node: not this run's.
            Pod other = executor("np-old-exec-1", name + "-7", manifestId);
            c.awaitLoops(3);
            for (int i = 0; i < 2 * stuck.toSeconds() + 1; i++) { // twice the stuck timeout, past the run-time limit
                clock.advance(Duration.ofSeconds(1));
                c.awaitLoops(1);
            }
            c.awaitLoops(2);
            assertEquals(0, c.count("applications_failed"), "waiting for nodes is no failed attempt");

            // The nodes come: all three bound 40 s after the last one was created; two on on-demand, one on spot.
            Instant created0 = Instant.parse(pods.get(0).getMetadata().getCreationTimestamp());
            Instant createdLast = pods.stream().map(p -> Instant.parse(p.getMetadata().getCreationTimestamp())).max(Instant::compareTo).orElseThrow();
            Instant scheduled = createdLast.plusSeconds(40);
            bound(name + "-exec-1", "od-1", scheduled, null);
            bound(name + "-exec-2", "od-1", scheduled, null);
            bound(name + "-exec-3", "spot-1", scheduled, null);
            bound("np-old-exec-1", "od-1", scheduled, scheduled.plusSeconds(1000));
            c.awaitLoops(3);
            // They end: exec-1 and exec-2 after 300 s, exec-3 after 120 s (their containers' finish times).
            bound(name + "-exec-1", "od-1", scheduled, scheduled.plusSeconds(300));
            bound(name + "-exec-2", "od-1", scheduled, scheduled.plusSeconds(300));
            bound(name + "-exec-3", "spot-1", scheduled, scheduled.plusSeconds(120));
            h.drive(name, "SUCCEEDING", "COMPLETED");
            Await.until(WAIT, () -> c.count("applications_succeeded") == 1, "the run to complete");

            assertEquals(0, c.count("applications_failed"));
            assertEquals(0, c.count("applications_retried"));
            assertEquals(1, h.applications().size(), "one attempt");
            assertEquals(Map.of("on-demand", 600.0, "spot", 120.0, "unknown", 0.0), Map.of(
                    "on-demand", c.metrics.executorSecondsCount("on-demand"), "spot", c.metrics.executorSecondsCount("spot"),
                    "unknown", c.metrics.executorSecondsCount("unknown")), "2 x 300 s on on-demand, 120 s on spot; not the other attempt's");
            double[] waits = c.metrics.capacityWaits();
            assertEquals(1, waits[0], "one attempt waited");
            // From the first executor's creation to their binding (the mock server stamps creation to the second).
            assertEquals(Duration.between(created0, scheduled).toSeconds(), waits[1], 0.001, "seconds waited");
            assertEquals(40, Duration.between(createdLast, scheduled).toSeconds());
            client.pods().inNamespace(h.namespace).resource(other).delete();
        }
    }
}
