package dev.ndjsonparquet.controller.builder;

import java.time.Duration;

/**
 * Doubling waits: {@code first} after one failure, twice that after two, at most {@code most}. Pure.
 *
 * @param first the wait after the first failure
 * @param most  the longest wait
 */
record Backoff(Duration first, Duration most) {

    /** The wait after {@code failures} consecutive failures (none before the first). */
    Duration after(int failures) {
        if (failures <= 0) {
            return Duration.ZERO;
        }
        Duration d = first;
        for (int i = 1; i < failures && d.compareTo(most) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(most) > 0 ? most : d;
    }
}
