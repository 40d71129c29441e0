package dev.ndjsonparquet.controller.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which pods make a run one that waits for capacity. */
class CapacityWaitTest {

    private static Pod pod(String role, String phase, String scheduledStatus, String reason) {
        return new PodBuilder().withNewMetadata().withName(role).addToLabels("spark-role", role).endMetadata()
                .withNewStatus().withPhase(phase).addNewCondition().withType("PodScheduled").withStatus(scheduledStatus)
                .withReason(reason).endCondition().endStatus().build();
    }

    @Test
    void aDriverOrExecutorsWithoutANodeWait() {
        CapacityWait.PodView driverWaits = CapacityWait.view(pod("driver", "Pending", "False", "Unschedulable"));
        CapacityWait.PodView executorWaits = CapacityWait.view(pod("executor", "Pending", "False", "Unschedulable"));
        CapacityWait.PodView running = CapacityWait.view(pod("executor", "Running", "True", null));
        assertEquals(Optional.of("driver waits for a node"), CapacityWait.of(List.of(driverWaits, executorWaits)));
        assertEquals(Optional.of("2 executor(s) wait for nodes"), CapacityWait.of(List.of(running, executorWaits, executorWaits)));
        assertEquals(Optional.empty(), CapacityWait.of(List.of(running)));
        assertEquals(Optional.empty(), CapacityWait.of(List.of()));
    }

    @Test
    void pendingForAnotherReasonIsNoWaitForCapacity() {
        // Scheduled but its image still pulling, or not yet looked at by the scheduler: the stuck timeout applies.
        assertEquals(Optional.empty(), CapacityWait.of(List.of(CapacityWait.view(pod("driver", "Pending", "True", null)))));
        assertEquals(Optional.empty(), CapacityWait.of(List.of(CapacityWait.view(
                new PodBuilder().withNewMetadata().withName("d").addToLabels("spark-role", "driver").endMetadata()
                        .withNewStatus().withPhase("Pending").endStatus().build()))));
    }
}
