package dev.ndjsonparquet.tools.local;

import dev.ndjsonparquet.controller.dispatch.OperatorKind;
import dev.ndjsonparquet.controller.k8s.SparkApplication;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The one operator-specific part of {@link LocalSparkRunner}: how one operator's applications are found and how it
 * reports where a run stands. The runner's life-cycle (submit, wait for a node, start the JVM, end, rerun, stop) and
 * the fault plan are shared; each operator maps the runner's {@link Phase}s to the states it writes, in order.
 * {@link PlayedKubeflow} (kubeflow spark-operator, {@code .status.applicationState.state}) and {@link PlayedApache}
 * (the Apache Spark operator, {@code .status.currentState.currentStateSummary} with its history).
 */
interface PlayedOperator {

    /** Where one execution of an application stands in the runner, whichever operator it plays. */
    enum Phase {
        /** Seen, not submitted. */
        NEW,
        /** Submitted; a stuck driver stays here. */
        SUBMITTED,
        /** The driver pod requested and waiting to be placed. */
        DRIVER_PENDING,
        /** The driver runs. */
        RUNNING,
        /** The driver exited 0; the operator wraps up. */
        SUCCEEDING,
        /** The driver failed (exit, lost, start time-out); a rerun or the end follows. */
        FAILING,
        /** Waiting out the interval before the operator's own rerun. */
        RERUN_PENDING,
        COMPLETED,
        FAILED,
        /** The driver could not be started (the JVM did not start). */
        SUBMISSION_FAILED,
        /** Asked to stop (kubeflow's {@code spec.suspend}): the driver is gone and nothing starts. */
        STOPPED;

        /** The runner no longer moves it. */
        boolean settled() {
            return this == COMPLETED || this == FAILED || this == SUBMISSION_FAILED || this == STOPPED;
        }
    }

    /** Why an execution failed, for operators that report causes apart. */
    enum Cause {
        /** The driver exited with a non-zero code. */
        EXIT,
        /** The driver's pod went with its node (spot interruption). */
        LOST,
        /** The driver was not placed within the operator's start time-out. */
        START_TIMEOUT
    }

    /**
     * One application as the runner sees it.
     *
     * @param uid      its uid (a new object under the same name is another application)
     * @param launch   the application in kubeflow's shape as far as a launch and a fault plan read it: metadata,
     *                 {@code mainClass}, {@code arguments}, {@code sparkConf} ({@code hadoopConf})
     * @param fresh    no operator has written its status yet
     * @param stopAsked asked to stop and kept ({@code spec.suspend})
     * @param deleting being deleted (a deletion timestamp): the operator releases it
     */
    record Seen(String uid, String name, SparkApplication launch, boolean fresh, boolean stopAsked, boolean deleting) {
    }

    /** The operator of {@code kind}, against the applications of {@code namespace}. */
    static PlayedOperator of(OperatorKind kind, KubernetesClient client, String namespace) {
        return switch (kind) {
            case KUBEFLOW -> new PlayedKubeflow(client, namespace);
            case APACHE -> new PlayedApache(client, namespace);
        };
    }

    /** Which operator, for logs. */
    String describe();

    /** Every application in the namespace. */
    List<Seen> list();

    /** What the operator does when it first takes an application on (Apache: its finalizer). */
    void takeOn(Seen app);

    /** The operator is done with an application being deleted: its pods are gone (Apache: the finalizer removed). */
    void release(Seen app);

    /**
     * The states the operator writes on entering {@code phase}, one per look, in order; none when it writes nothing
     * there (kubeflow has no state of its own for a pending driver pod).
     */
    List<String> states(Phase phase, Cause cause);

    /**
     * Writes {@code state} as the operator does, through the status subresource of the latest version.
     *
     * @param message   the operator's message (a failure's reason), or null
     * @param execution the operator's execution of this object, 1-based
     * @return false when the application is gone or replaced by another of the same name
     */
    boolean write(Seen app, String state, String message, int execution);

    /** Reruns the operator itself allows after failed executions of this cause. */
    int reruns(SparkApplication app, Cause cause);

    /** How long the operator waits before a rerun. */
    Duration rerunInterval(SparkApplication app);

    /** How long the operator lets a driver wait for its node before it fails the execution; empty: for ever. */
    Optional<Duration> driverStartTimeout(SparkApplication app);
}
