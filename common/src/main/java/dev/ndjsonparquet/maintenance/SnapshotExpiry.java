package dev.ndjsonparquet.maintenance;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * How far back a table's snapshots may be expired without breaking exactly-once (pure). The check that a manifest
 * is already committed reads the snapshot summaries of the table's history, so a snapshot must outlive every
 * attempt of its manifest that could still run; and a manifest committed without its result record (the run died
 * between the two) is found only through its snapshot, so such a snapshot is never expired, however old.
 *
 * <p>The longest time a manifest may still be attempted: its message lives for the manifest queue's retention,
 * then possibly for the dead-letter queue's (an operator may redrive it back; SQS keeps the original enqueue time,
 * but this does not rely on that), and each of the {@code maxAttempts} runs may last up to the run time limit and be
 * preceded by a back-off. The retention used is that, plus a day of margin; a shorter one is refused.
 */
public final class SnapshotExpiry {

    /** Added to the computed minimum: clocks, a redrive started just before the expiry, a slow catalog. */
    public static final Duration MARGIN = Duration.ofDays(1);

    private SnapshotExpiry() {
    }

    /** The dispatcher's settings and the queues' retention that bound how long a manifest may be retried. */
    public record RetryBounds(Duration queueRetention, Duration deadLetterRetention, int maxAttempts,
                              Duration firstBackoff, Duration maxBackoff, Duration longestRun) {

        /** The shortest snapshot retention that keeps every possible attempt's check working. */
        public Duration minimumRetention() {
            Duration backoffs = Duration.ZERO;
            Duration b = firstBackoff;
            for (int i = 1; i < maxAttempts; i++) {
                backoffs = backoffs.plus(b.compareTo(maxBackoff) > 0 ? maxBackoff : b);
                b = b.multipliedBy(2);
            }
            return queueRetention.plus(deadLetterRetention).plus(backoffs)
                    .plus(longestRun.multipliedBy(maxAttempts)).plus(MARGIN);
        }

        /**
         * The youngest a dead run's files may be removed at: an attempt lives at most the longest run (its run-time
         * limit counts from its creation), so once the newest file of a run directory is older than that plus the
         * margin, no attempt that could commit it is alive.
         */
        public Duration minimumOrphanAge() {
            return longestRun.plus(MARGIN);
        }

        /**
         * @param requested the operator's age, or null for the minimum
         * @throws IllegalArgumentException when {@code requested} undercuts the minimum (naming both)
         */
        public Duration orphanAge(Duration requested) {
            Duration minimum = minimumOrphanAge();
            if (requested != null && requested.compareTo(minimum) < 0) {
                throw new IllegalArgumentException("orphan file age " + requested + " undercuts " + minimum
                        + ", the longest run (" + longestRun + ") plus " + MARGIN + ": a running attempt's files would go");
            }
            return requested == null ? minimum : requested;
        }
    }

    /** A snapshot as the decision needs it: when, and which manifest it appended (null for other commits). */
    public record SnapshotInfo(long snapshotId, Instant committedAt, String manifestId) {
    }

    /**
     * @param expireOlderThan snapshots committed before this instant may be expired
     * @param keptForMissingResults manifests whose snapshot is kept beyond the retention (no result record yet)
     */
    public record Plan(Instant expireOlderThan, List<String> keptForMissingResults) {
    }

    /**
     * @param requested the operator's retention, or null for the minimum
     * @throws IllegalArgumentException when {@code requested} undercuts the minimum (naming both)
     */
    public static Plan plan(Instant now, RetryBounds bounds, Duration requested, List<SnapshotInfo> history,
                            Predicate<String> hasResultRecord) {
        Duration minimum = bounds.minimumRetention();
        if (requested != null && requested.compareTo(minimum) < 0) {
            throw new IllegalArgumentException("snapshot retention " + requested + " undercuts " + minimum
                    + ", the longest time a manifest may still be attempted (queue and dead-letter retention, "
                    + bounds.maxAttempts() + " attempts with back-off and run time) plus " + MARGIN);
        }
        Instant cutoff = now.minus(requested == null ? minimum : requested);
        List<String> kept = new ArrayList<>();
        for (SnapshotInfo s : history) {
            if (s.committedAt().isBefore(cutoff) && s.manifestId() != null && !hasResultRecord.test(s.manifestId())) {
                kept.add(s.manifestId());
                // Expiry keeps every snapshot at or after the cutoff: move it to this snapshot.
                cutoff = s.committedAt();
            }
        }
        return new Plan(cutoff, List.copyOf(kept));
    }
}
