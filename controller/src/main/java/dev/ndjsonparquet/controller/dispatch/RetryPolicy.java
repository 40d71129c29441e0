package dev.ndjsonparquet.controller.dispatch;

import java.time.Duration;

/**
 * Retries of a failed manifest: at most {@code maxAttempts} runs in all, waiting {@code baseBackoff}
 * after the first failure and doubling after each further one, never more than {@link #MAX_BACKOFF}.
 */
public record RetryPolicy(int maxAttempts, Duration baseBackoff) {

    public static final Duration MAX_BACKOFF = Duration.ofHours(1);

    public RetryPolicy {
        if (maxAttempts < 1 || baseBackoff.isNegative()) {
            throw new IllegalArgumentException("maxAttempts must be at least 1 and the backoff not negative");
        }
    }

    /** Whether a run that was attempt number {@code attempt} (1-based) may be followed by another. */
    public boolean mayRetryAfter(int attempt) {
        return attempt < maxAttempts;
    }

    /** The wait before the run that follows failed attempt {@code attempt} (1-based). */
    public Duration backoffAfter(int attempt) {
        int doublings = Math.max(0, Math.min(20, attempt - 1));
        Duration d = baseBackoff.multipliedBy(1L << doublings);
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }
}
