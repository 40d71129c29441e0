package dev.ndjsonparquet.spark.commit;

import dev.ndjsonparquet.manifest.AttemptMarkers;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/**
 * The marker a driver writes when its attempt at a manifest starts: {@code attempt-<n>-<run id>}, with
 * the time the store gave it. Attempts are ordered by number (the dispatcher's retry count), then, for
 * two runs with the same number (a `convert` run twice, a counter that was reset), by the store's time
 * and the run id: the later started run is the current one. Names and folder follow {@link AttemptMarkers}, which the
 * dispatcher reads to number a new attempt above every marker left. Pure: the I/O is {@link AttemptFence}.
 */
public record AttemptMarker(int attempt, String runId, long createdMillis) {

    static final Comparator<AttemptMarker> ORDER = Comparator.comparingInt(AttemptMarker::attempt)
            .thenComparingLong(AttemptMarker::createdMillis)
            .thenComparing(AttemptMarker::runId);

    public String fileName() {
        return AttemptMarkers.fileName(attempt, runId);
    }

    /** The marker a file name stands for, or empty when the name is not a marker's. */
    public static Optional<AttemptMarker> parse(String fileName, long createdMillis) {
        return AttemptMarkers.parse(fileName).map(n -> new AttemptMarker(n.attempt(), n.runId(), createdMillis));
    }

    /** The newest marker of all those written that is newer than this one, if any. */
    public Optional<AttemptMarker> supersededBy(Collection<AttemptMarker> all) {
        return all.stream().filter(o -> !o.runId().equals(runId) && ORDER.compare(o, this) > 0).max(ORDER);
    }
}
