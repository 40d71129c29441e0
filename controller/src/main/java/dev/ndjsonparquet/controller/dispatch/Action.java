package dev.ndjsonparquet.controller.dispatch;

import java.time.Duration;

/** What to do about a manifest's application after looking at it. */
public sealed interface Action {

    /** Nothing yet: keep the message hidden and look again later. */
    record Wait() implements Action {
    }

    /** The conversion is done: delete the message. */
    record Complete() implements Action {
    }

    /** The run failed and may be tried again: run attempt {@code nextAttempt} after {@code backoff}. */
    record Retry(int nextAttempt, Duration backoff, String reason) implements Action {
    }

    /** Give up: dead-letter the message with {@code reason} and delete it. */
    record DeadLetter(String reason) implements Action {
    }
}
