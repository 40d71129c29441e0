package dev.ndjsonparquet.controller.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Which finished runs (finished, or dead-lettered) to delete: beyond the newest {@code limit}, finished at least
 * {@code minAge} ago, and never one whose message the dispatcher still holds. Pure.
 */
public final class History {

    private History() {
    }

    public static List<String> toDelete(List<Run> owned, Set<String> pending, int limit, Instant now, Duration minAge) {
        List<Run> finished = owned.stream()
                .filter(Run::done)
                .filter(r -> !pending.contains(r.name()))
                .sorted(Comparator.comparing(Run::finishedAt).reversed())
                .toList();
        return finished.stream().skip(limit)
                .filter(r -> !r.finishedAt().plus(minAge).isAfter(now))
                .map(Run::name)
                .toList();
    }
}
