package dev.ndjsonparquet.controller.dispatch;

import dev.ndjsonparquet.controller.k8s.ApplicationState;
import java.time.Duration;

/**
 * Decides, from what spark-operator reports, what the dispatcher does next: one method per application
 * state, as spark-operator's own controller is written. Pure: no clock, no I/O.
 */
public final class StatePolicy {

    /**
     * What was observed about one application.
     *
     * @param state                       the reported state
     * @param errorMessage                spark-operator's error message, or null
     * @param attempt                     which run this is (1-based, from the attempt annotation)
     * @param timeInState                 how long the application has been seen in this state
     * @param operatorRetriesSubmission   spark-operator will still retry a failed submission by itself
     * @param runTime                     how long since this attempt was created (kept on the resource, so
     *                                    adoption by another dispatcher does not restart it)
     * @param runLimit                    the attempt's run-time limit (from its manifest's bytes)
     */
    public record Observation(ApplicationState state, String errorMessage, int attempt, Duration timeInState,
                              boolean operatorRetriesSubmission, Duration runTime, Duration runLimit) {
        /** An observation without a run-time limit. */
        public Observation(ApplicationState state, String errorMessage, int attempt, Duration timeInState,
                           boolean operatorRetriesSubmission) {
            this(state, errorMessage, attempt, timeInState, operatorRetriesSubmission, timeInState, null);
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
            case NEW -> onNew(o);
            case SUBMITTED -> onSubmitted(o);
            case PENDING_RERUN -> onPendingRerun(o);
            case RUNNING, SUCCEEDING, FAILING, INVALIDATING, SUSPENDING, SUSPENDED, RESUMING, UNKNOWN -> onRunning(o);
            case COMPLETED -> onCompleted(o);
            case FAILED -> onFailed(o);
            case SUBMISSION_FAILED -> onSubmissionFailed(o);
        };
    }

    /** Created but spark-operator has not reported yet: waiting for it, up to the stuck timeout. */
    private Action onNew(Observation o) {
        return stuckOrWait(o);
    }

    /** Submitted, driver not yet running (an image that cannot be pulled stays here). */
    private Action onSubmitted(Observation o) {
        return stuckOrWait(o);
    }

    /** Between spark-operator's own retries. */
    private Action onPendingRerun(Observation o) {
        return stuckOrWait(o);
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
        return failed(o, "still " + o.state() + " after " + o.runTime().toSeconds() + " s (run-time limit "
                + o.runLimit().toSeconds() + " s)" + detail(o.errorMessage()));
    }

    private Action onCompleted(Observation o) {
        return new Action.Complete();
    }

    /** Failed after spark-operator's own retries. */
    private Action onFailed(Observation o) {
        return failed(o, "application failed" + detail(o.errorMessage()));
    }

    private Action onSubmissionFailed(Observation o) {
        if (o.operatorRetriesSubmission()) {
            return stuckOrWait(o);
        }
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
            return failed(o, "stuck in " + o.state() + " for " + o.timeInState().toSeconds()
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
