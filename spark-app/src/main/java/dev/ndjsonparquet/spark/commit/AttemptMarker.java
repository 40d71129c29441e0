package dev.ndjsonparquet.spark.commit;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The marker a driver writes when its attempt at a manifest starts: {@code attempt-<n>-<run id>}, with
 * the time the store gave it. Attempts are ordered by number (the dispatcher's retry count), then, for
 * two runs with the same number (a `convert` run twice, a counter that was reset), by the store's time
 * and the run id: the later started run is the current one. Pure: the I/O is {@link AttemptFence}.
 */
public record AttemptMarker(int attempt, String runId, long createdMillis) {

    private static final Pattern NAME = Pattern.compile("attempt-(\\d{1,9})-([0-9a-f-]{1,64})");
    static final Comparator<AttemptMarker> ORDER = Comparator.comparingInt(AttemptMarker::attempt)
            .thenComparingLong(AttemptMarker::createdMillis)
            .thenComparing(AttemptMarker::runId);

    public String fileName() {
        return String.format("attempt-%06d-%s", attempt, runId);
    }

    /** The marker a file name stands for, or empty when the name is not a marker's. */
    public static Optional<AttemptMarker> parse(String fileName, long createdMillis) {
        Matcher m = NAME.matcher(fileName);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new AttemptMarker(Integer.parseInt(m.group(1)), m.group(2), createdMillis));
    }

    /** The newest marker of all those written that is newer than this one, if any. */
    public Optional<AttemptMarker> supersededBy(Collection<AttemptMarker> all) {
        return all.stream().filter(o -> !o.runId().equals(runId) && ORDER.compare(o, this) > 0).max(ORDER);
    }
}
