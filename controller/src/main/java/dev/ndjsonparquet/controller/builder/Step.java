package dev.ndjsonparquet.controller.builder;

/**
 * The durable steps of the builder, in order, each reported to a {@link StepHook} right after it
 * happened (or, for {@link #DELETING_INGEST}, right before). Tests throw from the hook to simulate a crash.
 */
public enum Step {
    /** A file's member record is in the ledger, its claim not yet (a kill here is mid-step). */
    MEMBER_WRITTEN,
    /** A file's claim is in the ledger. */
    CLAIMED,
    /** A batch's closing record (manifest id, creation time) is in the ledger. */
    BATCH_CLOSED,
    /** The manifest object is written. */
    MANIFEST_WRITTEN,
    /** The manifest message is on the manifest queue. */
    MANIFEST_SENT,
    /** The batch's sent record is written; its open record not yet removed (a kill here is mid-step). */
    SENT_RECORDED,
    /** The batch is recorded as sent and no longer open. */
    BATCH_RECORDED,
    /** About to delete ingest messages whose files are all settled. */
    DELETING_INGEST;

    /** Receives each step; the default does nothing. */
    @FunctionalInterface
    public interface StepHook {
        StepHook NONE = step -> { };

        void reached(Step step);
    }
}
