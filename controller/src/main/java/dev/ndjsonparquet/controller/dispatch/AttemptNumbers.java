package dev.ndjsonparquet.controller.dispatch;

import dev.ndjsonparquet.controller.aws.AttemptMarkerReader;
import dev.ndjsonparquet.controller.dispatch.Dependencies.Calls;
import dev.ndjsonparquet.controller.dispatch.Dependencies.Service;
import dev.ndjsonparquet.manifest.Manifest;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The number of a new attempt: the one its round asks for, raised above every attempt marker the manifest's drivers
 * left under its output ({@code docs/spark-faults.md}, "A stale driver"). The driver's fence lets only the newest
 * attempt commit, and the markers outlive the applications (history trimming, spark-operator's TTL, a person deleting
 * them) until a run writes the result record: an attempt numbered at or below a marker would be superseded before
 * it converts anything, round after round. So the markers are the durable attempt count, read once per new attempt,
 * and the dispatcher and the fence agree by construction.
 */
final class AttemptNumbers {

    private static final Logger LOG = LoggerFactory.getLogger(AttemptNumbers.class);

    private final AttemptMarkerReader markers;
    private final Dependencies dependencies;

    AttemptNumbers(AttemptMarkerReader markers, Dependencies dependencies) {
        this.markers = markers;
        this.dependencies = dependencies;
    }

    /**
     * Why a failed attempt failed, if its markers say: a marker of a newer attempt means its driver found itself
     * superseded (exit code 3) and committed nothing. Best effort (S3 not answering gives no hint); one listing per
     * failed attempt.
     */
    Optional<String> supersededHint(Manifest m, int attempt) {
        int highest;
        try {
            highest = dependencies.call(Service.S3, Calls.LIST_MARKERS, () -> markers.highestAttempt(m.output(), m.manifestId()));
        } catch (Dependencies.Unavailable e) {
            return Optional.empty();
        }
        return highest > attempt
                ? Optional.of("; the output holds a marker of attempt " + highest + " (a newer run, e.g. a manual rerun), so attempt "
                        + attempt + "'s driver was superseded and committed nothing; the next attempt is numbered above " + highest)
                : Optional.empty();
    }

    /** At least {@code wanted}, and above every marker of the manifest. */
    int next(Manifest m, int wanted) {
        int highest = dependencies.call(Service.S3, Calls.LIST_MARKERS, () -> markers.highestAttempt(m.output(), m.manifestId()));
        if (highest >= wanted) {
            LOG.info("the output holds a marker of attempt {} (a run whose application is gone): the next attempt is {}, not {}",
                    highest, highest + 1, wanted);
            return highest + 1;
        }
        return wanted;
    }
}
