package dev.ndjsonparquet.controller.dispatch;

import java.time.Duration;

/**
 * Decides, from what the operator reports (in the project's terms, {@link RunState}), what the dispatcher does
 * next: one method per state, as spark-operator's own controller is written. The same for every operator. Pure:
 * no clock, no I/O.
 */
public final class StatePolicy {

    /**
     * What was observed about one application.
     *
     * @param state         where the run stands
     * @param operatorState the operator's own name for it (for the reason)
     * @param errorMessage  the operator's error message, or null
     * @param attempt       which run of the round this is (1-based)
     * @param timeInState   how long the run has been seen in the operator's state
     * @param runTime       how long since this attempt was created (kept on the resource, so adoption by another
     *                      dispatcher does not restart it)
     * @param runLimit      the attempt's run-time limit (from its manifest's bytes), or null for none
     */
    public record Observation(RunState state, String operatorState, String errorMessage, int attempt, Duration timeInState,
                              Duration runTime, Duration runLimit) {
        /** An observation without a run-time limit. */
        public Observation(RunState state, String operatorState, String errorMessage, int attempt, Duration timeInState) {
            this(state, operatorState, errorMessage, attempt, timeInState, timeInState, null);
        }
    }

    private final RetryPolicy retries;
    private final Duration stuckTimeout;

    public StatePolicy(RetryPolicy retries, Duration stuckTimeout) {
        this.retries = retries;
        this.stuckTimeout = stuckTimeout;
    }

    public Action decide(Observation o) {
        return switch (o.state()) {
            case PENDING -> onPending(o);
            case WAITING -> onWaiting(o);
            case RUNNING -> onRunning(o);
            case SUCCEEDED -> onSucceeded(o);
            case FAILED -> onFailed(o);
            case SUBMISSION_FAILED -> onSubmissionFailed(o);
        };
    }

    /**
     * Created, not running yet (not reported yet, submitted, between the operator's own retries; an image that
     * cannot be pulled stays here): up to the stuck timeout.
     */
    private Action onPending(Observation o) {
        return stuckOrWait(o);
    }

    /** Waiting for nodes is not being stuck: it spends no attempt, up to the run-time limit. */
    private Action onWaiting(Observation o) {
        return pastRunLimit(o) ? overRunLimit(o) : new Action.Wait();
    }

    /**
     * Running, or passing through a state spark-operator resolves by itself, up to the attempt's run-time
     * limit: a hung driver or a status that never moves on must not hold the message for ever.
     */
    private Action onRunning(Observation o) {
        return pastRunLimit(o) ? overRunLimit(o) : new Action.Wait();
    }

    private static boolean pastRunLimit(Observation o) {
        return o.runLimit() != null && o.runTime() != null && o.runTime().compareTo(o.runLimit()) >= 0;
    }

    private Action overRunLimit(Observation o) {
        return failed(o, "still " + o.operatorState() + " after " + o.runTime().toSeconds() + " s (run-time limit "
                + o.runLimit().toSeconds() + " s)" + detail(o.errorMessage()));
    }

    private Action onSucceeded(Observation o) {
        return new Action.Complete();
    }

    /** Failed after spark-operator's own retries. */
    private Action onFailed(Observation o) {
        return failed(o, "application failed" + detail(o.errorMessage()));
    }

    /** Submission failed after the operator's own retries (one it still retries is pending). */
    private Action onSubmissionFailed(Observation o) {
        return failed(o, "submission failed" + detail(o.errorMessage()));
    }

    /**
     * Up to the stuck timeout in this state (counted by this dispatcher), and never past the run-time
     * limit (counted from the application's creation), so a dispatcher restarted again and again cannot
     * keep an application waiting for ever.
     */
    private Action stuckOrWait(Observation o) {
        if (pastRunLimit(o)) {
            return overRunLimit(o);
        }
        if (o.timeInState().compareTo(stuckTimeout) >= 0) {
            return failed(o, "stuck in " + o.operatorState() + " for " + o.timeInState().toSeconds()
                    + " s (limit " + stuckTimeout.toSeconds() + " s)" + detail(o.errorMessage()));
        }
        return new Action.Wait();
    }

    private Action failed(Observation o, String reason) {
        if (retries.mayRetryAfter(o.attempt())) {
            return new Action.Retry(o.attempt() + 1, retries.backoffAfter(o.attempt()), reason);
        }
        return new Action.DeadLetter(reason + "; gave up after " + o.attempt() + " attempt(s)");
    }

    private static String detail(String errorMessage) {
        return errorMessage == null || errorMessage.isBlank() ? "" : ": " + errorMessage.strip();
    }
}
