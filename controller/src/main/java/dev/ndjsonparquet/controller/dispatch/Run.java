package dev.ndjsonparquet.controller.dispatch;

import java.time.Instant;

/**
 * One application of a manifest (one attempt), as the dispatcher sees it whichever operator runs it: what it
 * reads to decide, nothing it would have to interpret per operator. Built by the operator ({@link SparkOperator})
 * from its resource; the attempt bookkeeping comes from the annotations the dispatcher wrote ({@link Labels}).
 *
 * @param name              the resource's name ({@code np-<manifestId>[-<attempt>]})
 * @param uid               the resource's uid (Events refer to it)
 * @param manifestId        the manifest it converts (label {@link Labels#MANIFEST_ID})
 * @param attempt           which attempt of the manifest it is
 * @param firstAttempt      the first attempt of its round (1, or where a redriven dead letter started one)
 * @param startedAt         when the dispatcher created it (the run-time limit counts from it), else its creation
 * @param messageId         the message that asked for it (a redriven dead letter is told apart by its own id)
 * @param state             where it stands, in the project's terms
 * @param operatorState     the operator's own name for that state (logs, reasons, the time-in-state metric)
 * @param errorMessage      the operator's error message, or null
 * @param mayStillRun       its driver or executors may exist or start (not finished, or a submission that failed
 *                          after its driver may have started): it must be stopped before it is left alone
 * @param stopRequested     it was asked to stop (kubeflow: {@code spec.suspend}; an operator without suspend: deleted)
 * @param deadLetterReason  the dead-letter decision recorded on it, or null
 * @param deadLetterSent    the dead letter was sent
 * @param finishedAt        when the operator says it finished, else its creation, else the epoch (history trimming)
 * @param resource          the operator's own object, which only the operator reads (run usage)
 */
public record Run(String name, String uid, String manifestId, int attempt, int firstAttempt, Instant startedAt,
                  String messageId, RunState state, String operatorState, String errorMessage, boolean mayStillRun, boolean stopRequested,
                  String deadLetterReason, boolean deadLetterSent, Instant finishedAt, Object resource) {

    /** The dispatcher decided to dead-letter this run's manifest (durable: an annotation on it). */
    public boolean deadLettered() {
        return deadLetterReason != null;
    }

    /**
     * It holds one of {@code max-concurrent-runs}: not finished and not dead-lettered. A previous attempt on its
     * way out (stopped, being deleted) still holds one, beside its successor.
     */
    public boolean holdsSlot() {
        return !state.finished() && !deadLettered();
    }

    /** Finished, or dead-lettered: history trimming may delete it. */
    public boolean done() {
        return state.finished() || deadLettered();
    }
}
