package dev.ndjsonparquet.controller.dispatch;

import dev.ndjsonparquet.controller.k8s.SparkApplication;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Which finished applications (terminal, or suspended when dead-lettered) to delete: beyond the newest {@code limit}, finished at least
 * {@code minAge} ago, and never one whose message the dispatcher still holds. Pure.
 */
public final class History {

    private History() {
    }

    public static List<String> toDelete(List<SparkApplication> owned, Set<String> pending, int limit,
                                        Instant now, Duration minAge) {
        List<SparkApplication> finished = owned.stream()
                .filter(a -> a.state().isTerminal() || Dispatcher.deadLettered(a))
                .filter(a -> !pending.contains(a.getMetadata().getName()))
                .sorted(Comparator.comparing(History::finishedAt).reversed())
                .toList();
        return finished.stream().skip(limit)
                .filter(a -> !finishedAt(a).plus(minAge).isAfter(now))
                .map(a -> a.getMetadata().getName())
                .toList();
    }

    /** The termination time spark-operator reported, else the creation time. */
    static Instant finishedAt(SparkApplication a) {
        String t = a.getStatus() == null ? null : a.getStatus().getTerminationTime();
        for (String candidate : new String[] {t, a.getMetadata().getCreationTimestamp()}) {
            if (candidate != null) {
                try {
                    return Instant.parse(candidate);
                } catch (DateTimeParseException e) {
                    // try the next
                }
            }
        }
        return Instant.EPOCH;
    }
}
