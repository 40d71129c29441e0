package dev.ndjsonparquet.tools.local;

import dev.ndjsonparquet.controller.k8s.SparkApplication;
import java.util.List;

/**
 * What happens to each execution of an application the {@link LocalSparkRunner} runs. Local runs use {@link #NONE}
 * (every driver runs); the end-to-end tests plan lost, stuck and zombie drivers with it, so one stand-in for
 * spark-operator serves both.
 */
@FunctionalInterface
public interface FaultPlan {

    /**
     * The fate of one execution. A lost driver fails its execution without running Spark; a stuck application stays
     * SUBMITTED until it is deleted or suspended; a zombie is a driver reported lost (its node unreachable) that keeps
     * running: its JVM goes on beside spark-operator's rerun, unwatched, until it exits. A driver that waits for a node
     * stays SUBMITTED with its pod Pending and Unschedulable (a spot shortage) for {@link #capacityWait()}, then runs.
     * An application that overflows to on-demand is a spot shortage end to end: its driver waits for a node as above,
     * then, RUNNING, its executor pods ({@code spec.executor.instances}) wait for nodes for {@link #capacityWait()} too,
     * are bound to a node labelled {@code karpenter.sh/capacity-type: on-demand} and run until the driver's JVM exits
     * (their containers' finish time); the pods' timestamps are exact (binding at creation plus the wait), so the
     * dispatcher's figures can be computed by hand.
     */
    enum Fate { RUN, DRIVER_LOST, STUCK, ZOMBIE, WAITS_FOR_NODE, OVERFLOWS_TO_ON_DEMAND }

    /** Every driver runs. */
    FaultPlan NONE = (app, attempt, execution) -> Fate.RUN;

    /**
     * @param app       the application (its manifest URI is in {@code spec.arguments})
     * @param attempt   the dispatcher's attempt (annotation), 1-based
     * @param execution spark-operator's execution of this object, 1-based
     */
    Fate fate(SparkApplication app, int attempt, int execution);

    /** How long a {@link Fate#WAITS_FOR_NODE} driver waits for its node (and an overflowing one's executors for theirs). */
    default java.time.Duration capacityWait() {
        return java.time.Duration.ofSeconds(5);
    }

    /** Extra JVM options of a driver with this fate (a test's hook into the Spark application); none by default. */
    default List<String> jvmOptions(Fate fate) {
        return List.of();
    }
}
