package dev.ndjsonparquet.manifest;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where and under which names the drivers of a manifest leave their attempt markers, the one contract the
 * Spark application's fence (which writes and compares them) and the dispatcher (which numbers the next
 * attempt above every one of them) share: {@code <output root>/_attempts/<manifestId>/attempt-<n>-<run id>},
 * {@code n} zero-padded to six digits. The markers outlive every SparkApplication of the manifest (history
 * trimming, an operator's TTL) until a run writes the result record, so they are the durable attempt count.
 * Pure.
 */
public final class AttemptMarkers {

    /** The folder under the output root, beside {@code _results}. */
    public static final String FOLDER = "_attempts";

    private static final Pattern NAME = Pattern.compile("attempt-(\\d{1,9})-([0-9a-f-]{1,64})");

    /** A marker's name, read: the attempt it was written for and the run that wrote it. */
    public record Name(int attempt, String runId) {
    }

    private AttemptMarkers() {
    }

    /** The folder of one manifest's markers, relative to its output root. */
    public static String folder(String manifestId) {
        return FOLDER + "/" + manifestId;
    }

    /** The file name of the marker of run {@code runId} of attempt {@code attempt}. */
    public static String fileName(int attempt, String runId) {
        return String.format("attempt-%06d-%s", attempt, runId);
    }

    /** What a file name says, or empty when it is not a marker's name. */
    public static Optional<Name> parse(String fileName) {
        Matcher m = NAME.matcher(fileName);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new Name(Integer.parseInt(m.group(1)), m.group(2)));
    }
}
