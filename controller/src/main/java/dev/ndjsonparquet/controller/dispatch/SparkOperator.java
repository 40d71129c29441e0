package dev.ndjsonparquet.controller.dispatch;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The operator that runs the Spark applications: the one seam between the dispatcher's shared policy (retries,
 * run cap, adoption, run-time limit, dead letters, written against {@link Run}) and one operator's resource kind.
 * Today kubeflow spark-operator ({@link KubeflowOperator}); an operator is added by implementing this only.
 *
 * <p>Every call may fail after it took effect; the dispatcher re-reads with {@link #list()} and repeats, so each
 * must be idempotent: {@link #createOrAdopt} by deterministic name ({@link Labels#applicationName(String, int)}),
 * {@link #annotate} as a merge, {@link #stop} and {@link #delete} of what is stopped or gone succeed.
 */
public interface SparkOperator {

    /** The outcome of {@link #createOrAdopt}: the run as it now is, and whether it existed already. */
    record Created(Run run, boolean adopted) {
    }

    /** Which operator and resource, for logs: e.g. {@code kubeflow spark-operator (sparkoperator.k8s.io/v1beta2)}. */
    String describe();

    /** The job namespace the runs live in. */
    String namespace();

    /** Every run this dispatcher owns (its labels, and its release's), in one call. */
    List<Run> list();

    /**
     * Creates the run of this attempt, named {@code Labels.applicationName(manifestId, attempt)} and carrying the
     * labels and annotations of {@link Labels}; or adopts the run that already has the name and belongs to the same
     * manifest (a create that failed after taking effect, a re-delivered message, a restarted dispatcher).
     */
    Created createOrAdopt(SparkApplicationBuilder.Request request);

    /** Adds annotations (a merge: repeating it changes nothing); returns the run as it now is. */
    Run annotate(String name, Map<String, String> annotations);

    /**
     * Asks the operator to stop the run: its driver and executors are removed and none start. Kubeflow:
     * {@code spec.suspend}, the run is kept. An operator that cannot suspend deletes it: then the run stays listed,
     * {@link Run#stopRequested()} and counting against the cap, until it and its pods are gone, and what was
     * recorded on it goes with it. Idempotent.
     */
    void stop(String name);

    /** Deletes the run; true if it was there. Idempotent. */
    boolean delete(String name);

    /** What a finished run held and cost, from what the operator reports. */
    RunUsage usage(Run run, Instant now);

    /**
     * The run's driver and executor pods, as far as they tell whether it waits for nodes ({@link CapacityWait}). An
     * operator that cannot tell returns none: its runs are then never taken as waiting.
     */
    default List<CapacityWait.PodView> pods(Run run) {
        return List.of();
    }

    /** Tells people (a warning Event on the run); best effort, never throws. */
    void warn(Run run, String reason, String message);
}
