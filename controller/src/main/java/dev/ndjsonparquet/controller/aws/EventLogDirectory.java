package dev.ndjsonparquet.controller.aws;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Spark's event-log directory, when it is an S3 prefix. Spark's driver (at SparkContext start) and the History Server
 * (at its start) refuse an event-log directory that does not exist, and S3A reports a prefix with no object under it
 * as missing: on a fresh prefix every run failed before converting anything. The dispatcher makes sure it exists at
 * start-up by writing the directory's marker, the empty object {@code <prefix>/} that S3A's own mkdirs writes (idempotent:
 * writing it again changes nothing). Needs {@code s3:PutObject} on that one key; when it is refused, a directory that
 * already holds objects is fine, and otherwise the start-up fails naming the fix (every run would fail).
 */
public final class EventLogDirectory {

    static final String ENABLED = "spark.eventLog.enabled";
    static final String DIR = "spark.eventLog.dir";

    /** The directory's marker object. */
    public record Marker(String bucket, String key) {
        public String uri() {
            return "s3://" + bucket + "/" + key;
        }
    }

    private EventLogDirectory() {
    }

    /**
     * The marker of the event-log directory a SparkApplication's {@code sparkConf} names; empty when event logs are off or
     * the directory is not on S3 ({@code s3a://} or {@code s3://}). Pure.
     */
    public static Optional<Marker> of(Map<String, String> sparkConf) {
        if (sparkConf == null || !Boolean.parseBoolean(sparkConf.getOrDefault(ENABLED, "false").trim())) {
            return Optional.empty();
        }
        String dir = sparkConf.getOrDefault(DIR, "").trim();
        URI uri;
        try {
            uri = URI.create(dir);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!("s3a".equals(uri.getScheme()) || "s3".equals(uri.getScheme())) || uri.getHost() == null) {
            return Optional.empty();
        }
        String key = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/+", "");
        if (key.isEmpty()) {
            // The bucket itself: it exists or nothing works.
            return Optional.empty();
        }
        return Optional.of(new Marker(uri.getHost(), key.endsWith("/") ? key : key + "/"));
    }

    /** Writes the marker; the problem when it cannot be written and nothing is under the prefix yet, else empty. */
    public static Optional<String> ensure(S3Client s3, Marker marker) {
        SdkException refused;
        try {
            s3.putObject(b -> b.bucket(marker.bucket()).key(marker.key()).contentLength(0L), RequestBody.empty());
            return Optional.empty();
        } catch (SdkException e) {
            refused = e;
        }
        try {
            // Written anyway (a timeout after the write), or logs already there: Spark sees a directory.
            if (!s3.listObjectsV2(b -> b.bucket(marker.bucket()).prefix(marker.key()).maxKeys(1)).contents().isEmpty()) {
                return Optional.empty();
            }
        } catch (SdkException e) {
            refused.addSuppressed(e);
        }
        return Optional.of("spark.eventLog.dir " + marker.uri() + " does not exist (an empty S3 prefix is no directory to Spark and "
                + "the History Server, so every run would fail) and the dispatcher could not create it: " + refused.getMessage()
                + ". Grant the dispatcher's role s3:PutObject on arn:aws:s3:::" + marker.bucket() + "/" + marker.key()
                + ", or create it once: aws s3api put-object --bucket " + marker.bucket() + " --key " + marker.key());
    }
}
