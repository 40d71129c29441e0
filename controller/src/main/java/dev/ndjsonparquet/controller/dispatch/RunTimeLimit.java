package dev.ndjsonparquet.controller.dispatch;

import java.time.Duration;

/**
 * How long one attempt of a manifest may run before it counts as failed: its bytes at the slowest
 * acceptable rate, never less than {@code minimum}. Nothing waits forever on an application that
 * stays RUNNING, UNKNOWN, SUCCEEDING or FAILING (a hung driver, a lost status). Pure.
 *
 * @param mbPerSecond the slowest acceptable conversion rate of one application, in MB (10^6 bytes) per second
 * @param minimum     the limit of a small manifest (start-up, scheduling and executor allocation included)
 */
public record RunTimeLimit(double mbPerSecond, Duration minimum) {

    /** No limit (callers that did not configure one). */
    public static final RunTimeLimit NONE = new RunTimeLimit(Double.POSITIVE_INFINITY, Duration.ofSeconds(Long.MAX_VALUE / 4));

    public RunTimeLimit {
        if (!(mbPerSecond > 0) || minimum.isNegative()) {
            throw new IllegalArgumentException("the rate must be positive and the minimum not negative");
        }
    }

    public Duration forBytes(long bytes) {
        double seconds = bytes / (mbPerSecond * 1_000_000d);
        if (Double.isInfinite(mbPerSecond) || seconds <= minimum.toSeconds()) {
            return minimum;
        }
        return Duration.ofSeconds((long) Math.ceil(Math.min(seconds, Long.MAX_VALUE / 4d)));
    }
}
