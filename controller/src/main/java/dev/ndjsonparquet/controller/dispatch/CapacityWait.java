package dev.ndjsonparquet.controller.dispatch;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Optional;

/**
 * Whether a run waits for capacity, from its pods: its driver, or any executor, is Pending because the scheduler found
 * no node for it (condition PodScheduled False, reason Unschedulable), which is what a spot shortage, or nodes the
 * autoscaler has not added yet, look like. Waiting is not failing: the dispatcher spends no attempt on it
 * ({@link RunState#WAITING}). Pure.
 */
public final class CapacityWait {

    /** One pod of a run: Spark's role ({@code spark-role} label: driver or executor) and whether it waits for a node. */
    public record PodView(String role, boolean unschedulable) {
    }

    private CapacityWait() {
    }

    /** What waits for nodes ("driver", "3 executor(s)"), or empty when nothing does. */
    public static Optional<String> of(List<PodView> pods) {
        boolean driver = false;
        int executors = 0;
        for (PodView p : pods) {
            if (p.unschedulable()) {
                if ("driver".equals(p.role())) {
                    driver = true;
                } else {
                    executors++;
                }
            }
        }
        if (driver) {
            return Optional.of("driver waits for a node");
        }
        return executors == 0 ? Optional.empty() : Optional.of(executors + " executor(s) wait for nodes");
    }

    /** A pod as {@link #of} reads it. */
    public static PodView view(Pod pod) {
        String role = pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get("spark-role");
        boolean unschedulable = pod.getStatus() != null && "Pending".equals(pod.getStatus().getPhase())
                && pod.getStatus().getConditions() != null && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())
                                && "Unschedulable".equals(c.getReason()));
        return new PodView(role, unschedulable);
    }
}
