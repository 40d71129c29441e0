package dev.ndjsonparquet.controller.dispatch;

import dev.ndjsonparquet.capacity.CapacityType;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a run waits for capacity, from its pods: its driver, or any executor, is Pending because the scheduler found
 * no node for it (condition PodScheduled False, reason Unschedulable), which is what a spot shortage, or nodes the
 * autoscaler has not added yet, look like. Waiting is not failing: the dispatcher spends no attempt on it
 * ({@link RunState#WAITING}). Pure.
 */
public final class CapacityWait {

    /** kubeflow spark-operator's label on an application's driver and executor pods: the application's name. */
    public static final String APP_NAME_LABEL = "sparkoperator.k8s.io/app-name";

    /**
     * One pod of a run, as the API server records it (facts a restarted dispatcher reads again, not what it saw).
     *
     * @param name          the pod's name
     * @param role          Spark's role ({@code spark-role} label): driver or executor
     * @param application   the application it belongs to ({@link #APP_NAME_LABEL}), or null when unlabelled
     * @param unschedulable it waits for a node now (Pending, PodScheduled False, Unschedulable)
     * @param createdAt     its creation, or null
     * @param scheduledAt   when it was bound to a node (PodScheduled True, its last transition), or null
     * @param endedAt       when its containers ended (Succeeded or Failed: the last container's finish), or null
     * @param node          the node it is bound to, or null
     * @param capacityType  how that node is bought ({@link CapacityType}); UNKNOWN until the operator resolves it
     */
    public record PodView(String name, String role, String application, boolean unschedulable, Instant createdAt,
                          Instant scheduledAt, Instant endedAt, String node, CapacityType capacityType) {

        /** A pod that only says its role and whether it waits (tests of the decision). */
        public PodView(String role, boolean unschedulable) {
            this(role, role, null, unschedulable, null, null, null, null, CapacityType.UNKNOWN);
        }

        public boolean executor() {
            return "executor".equals(role);
        }

        /** This pod with its node's capacity type. */
        public PodView on(CapacityType type) {
            return new PodView(name, role, application, unschedulable, createdAt, scheduledAt, endedAt, node, type);
        }
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

    /** A pod as {@link #of} and {@link CapacityLedger} read it (capacity type not yet resolved). */
    public static PodView view(Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
        var status = pod.getStatus();
        List<PodCondition> conditions = status == null || status.getConditions() == null ? List.of() : status.getConditions();
        boolean unschedulable = status != null && "Pending".equals(status.getPhase()) && conditions.stream()
                .anyMatch(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())
                        && "Unschedulable".equals(c.getReason()));
        Instant scheduledAt = conditions.stream().filter(c -> "PodScheduled".equals(c.getType()) && "True".equals(c.getStatus()))
                .map(c -> ApiTimestamps.parse(c.getLastTransitionTime())).filter(i -> i != null).findFirst().orElse(null);
        Instant endedAt = null;
        if (status != null && ("Succeeded".equals(status.getPhase()) || "Failed".equals(status.getPhase()))
                && status.getContainerStatuses() != null) {
            for (ContainerStatus cs : status.getContainerStatuses()) {
                Instant finished = cs.getState() == null || cs.getState().getTerminated() == null ? null
                        : ApiTimestamps.parse(cs.getState().getTerminated().getFinishedAt());
                if (finished != null && (endedAt == null || finished.isAfter(endedAt))) {
                    endedAt = finished;
                }
            }
        }
        return new PodView(pod.getMetadata().getName(), labels.get("spark-role"), labels.get(APP_NAME_LABEL), unschedulable,
                ApiTimestamps.parse(pod.getMetadata().getCreationTimestamp()), scheduledAt, endedAt,
                pod.getSpec() == null ? null : pod.getSpec().getNodeName(), CapacityType.UNKNOWN);
    }
}
