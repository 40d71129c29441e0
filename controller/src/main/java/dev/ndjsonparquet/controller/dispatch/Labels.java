package dev.ndjsonparquet.controller.dispatch;

import dev.ndjsonparquet.controller.k8s.SparkApplication;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/** The labels and annotations the dispatcher puts on every SparkApplication it creates. */
public final class Labels {

    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY_VALUE = "ndjson-parquet-controller";
    public static final String PART_OF = "app.kubernetes.io/part-of";
    public static final String PART_OF_VALUE = "ndjson-parquet";
    public static final String MANIFEST_ID = "ndjson-parquet.dev/manifest-id";
    /**
     * The release (chart installation) an application belongs to, from the template's labels. Not
     * {@code app.kubernetes.io/instance}: ArgoCD tracks that label and would prune applications it did not create.
     */
    public static final String RELEASE = "ndjson-parquet.dev/release";

    public static final String MANIFEST_URI = "ndjson-parquet.dev/manifest-uri";
    public static final String FILE_COUNT = "ndjson-parquet.dev/file-count";
    public static final String TOTAL_BYTES = "ndjson-parquet.dev/total-bytes";
    public static final String MESSAGE_ID = "ndjson-parquet.dev/message-id";
    public static final String ATTEMPT = "ndjson-parquet.dev/attempt";
    /** When the dispatcher created this attempt (ISO-8601); the run-time limit counts from it, adoption does not reset it. */
    public static final String STARTED_AT = "ndjson-parquet.dev/started-at";
    /** The first attempt of the current round: 1, or the attempt a redriven dead letter started. */
    public static final String FIRST_ATTEMPT = "ndjson-parquet.dev/first-attempt";
    /** Set (with the reason) when the dispatcher decided to dead-letter the manifest: the decision, durable. */
    public static final String DEAD_LETTER_REASON = "ndjson-parquet.dev/dead-letter-reason";
    /** Set once the dead letter was sent. */
    public static final String DEAD_LETTER_SENT = "ndjson-parquet.dev/dead-letter-sent";

    /** The selector of every application this controller owns. */
    public static final Map<String, String> OWNED = Map.of(MANAGED_BY, MANAGED_BY_VALUE);

    private Labels() {
    }

    /**
     * The selector of the applications one dispatcher owns: {@link #OWNED}, plus the template's {@link #RELEASE}
     * label when it has one, so two releases sharing a job namespace never count, adopt or trim each other's.
     */
    public static Map<String, String> ownedSelector(SparkApplication template) {
        Map<String, String> labels = template.getMetadata() == null ? null : template.getMetadata().getLabels();
        String release = labels == null ? null : labels.get(RELEASE);
        if (release == null || release.isBlank()) {
            return OWNED;
        }
        Map<String, String> selector = new java.util.LinkedHashMap<>(OWNED);
        selector.put(RELEASE, release);
        return Map.copyOf(selector);
    }

    /** The application's name for a manifest: deterministic, so a retry or a re-delivery finds it. */
    public static String applicationName(String manifestId) {
        return "np-" + manifestId;
    }

    /**
     * The application of one attempt: {@code np-<id>} for the first, {@code np-<id>-<n>} after. A retry
     * creates the next name before it deletes the previous one, so the attempt count is never only in memory.
     */
    public static String applicationName(String manifestId, int attempt) {
        return attempt <= 1 ? applicationName(manifestId) : applicationName(manifestId) + "-" + attempt;
    }

    /** An annotation's value, or null. */
    public static String annotation(ObjectMeta meta, String key) {
        Map<String, String> a = meta == null ? null : meta.getAnnotations();
        return a == null ? null : a.get(key);
    }

    /** The attempt number recorded on a run; 1 when absent or unreadable. */
    public static int attemptOf(ObjectMeta meta) {
        return positive(annotation(meta, ATTEMPT));
    }

    /** The first attempt of the run's round; 1 when absent or unreadable. */
    public static int firstAttemptOf(ObjectMeta meta) {
        return positive(annotation(meta, FIRST_ATTEMPT));
    }

    /** When the attempt was created: the started-at annotation, else the creation timestamp, else null. */
    public static Instant startedAt(ObjectMeta meta) {
        return firstInstant(annotation(meta, STARTED_AT), meta == null ? null : meta.getCreationTimestamp());
    }

    /** The first of these ISO-8601 times that parses, or null. */
    static Instant firstInstant(String... candidates) {
        for (String v : candidates) {
            if (v != null && !v.isBlank()) {
                try {
                    return Instant.parse(v);
                } catch (DateTimeParseException e) {
                    // try the next
                }
            }
        }
        return null;
    }

    private static int positive(String v) {
        try {
            return v == null ? 1 : Math.max(1, Integer.parseInt(v));
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
