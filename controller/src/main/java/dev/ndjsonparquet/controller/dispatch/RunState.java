package dev.ndjsonparquet.controller.dispatch;

/**
 * Where a run stands, whichever operator runs it: the small set the dispatcher's policy ({@link StatePolicy}) is
 * written against. Each operator maps its own states onto it ({@link KubeflowOperator#stateOf}; the table is in
 * {@code docs/dispatcher.md}); whether the run's pods may still exist, and whether it was asked to stop, are
 * {@link Run#mayStillRun()} and {@link Run#stopRequested()}.
 */
public enum RunState {
    /** Created, not running yet: submitted, a driver requested, between the operator's own retries. The stuck timeout applies. */
    PENDING,
    /**
     * Waiting for capacity: the driver or the executors wait for nodes. Not a failure: no stuck timeout, and the wait
     * is left out of the run-time limit. Operators do not report it: {@link Reconciler} decides it from the run's pods
     * ({@link SparkOperator#pods}, {@link CapacityWait}) while the operator says PENDING or RUNNING.
     */
    WAITING,
    /** Running, or in a state the operator resolves by itself (succeeding, failing, suspending, unknown). The run-time limit applies. */
    RUNNING,
    /** Converted. */
    SUCCEEDED,
    /** Failed after the operator's own retries. */
    FAILED,
    /** The operator could not submit it, after its own retries; its driver may nevertheless have started. */
    SUBMISSION_FAILED;

    /** The operator will not move the run on by itself. */
    public boolean finished() {
        return this == SUCCEEDED || this == FAILED || this == SUBMISSION_FAILED;
    }
}
