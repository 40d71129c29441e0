package dev.ndjsonparquet.controller.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.controller.builder.TestServers;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The event-log directory exists after the dispatcher's start-up, on a real S3 protocol server: a fresh prefix gets
 * the marker S3A writes for a directory (spark-app's EventLogDirectoryTest shows Spark accepts it and refuses the
 * prefix without it), a prefix that already holds logs stays as it is, and a role that may not write the marker fails
 * the start-up with the fix only when nothing is there; a write that took effect before its call failed counts.
 */
class EventLogDirectoryTest {

    /** The S3 server the controller's tests share (S3Mock, started once a JVM); this class has its own bucket. */
    static S3Client s3;

    @BeforeAll
    static void start() {
        s3 = TestServers.get().s3;
        s3.createBucket(b -> b.bucket("pipeline"));
    }

    private static List<String> keys(String prefix) {
        return s3.listObjectsV2(b -> b.bucket("pipeline").prefix(prefix)).contents().stream().map(S3Object::key).toList();
    }

    @Test
    void theDirectoryComesFromTheTemplatesSparkConfOnlyWhenEventLogsGoToS3() {
        assertEquals(Optional.of(new EventLogDirectory.Marker("pipeline", "spark-events/")),
                EventLogDirectory.of(Map.of("spark.eventLog.enabled", "true", "spark.eventLog.dir", "s3a://pipeline/spark-events")));
        assertEquals(Optional.of(new EventLogDirectory.Marker("pipeline", "a/b/")),
                EventLogDirectory.of(Map.of("spark.eventLog.enabled", "true", "spark.eventLog.dir", "s3://pipeline/a/b/")));
        assertEquals(Optional.empty(), EventLogDirectory.of(Map.of("spark.eventLog.dir", "s3a://pipeline/spark-events/")), "off");
        assertEquals(Optional.empty(), EventLogDirectory.of(Map.of("spark.eventLog.enabled", "true", "spark.eventLog.dir", "file:/tmp/events")));
        assertEquals(Optional.empty(), EventLogDirectory.of(null));
    }

    @Test
    void aFreshPrefixGetsTheMarkerOnceAndAPrefixWithLogsKeepsThem() {
        EventLogDirectory.Marker fresh = new EventLogDirectory.Marker("pipeline", "fresh-events/");
        assertEquals(List.of(), keys("fresh-events/"));
        assertEquals(Optional.empty(), EventLogDirectory.ensure(s3, fresh));
        assertEquals(List.of("fresh-events/"), keys("fresh-events/"));
        assertEquals(0L, s3.headObject(b -> b.bucket("pipeline").key("fresh-events/")).contentLength());
        // Every start-up writes it again: the same empty object.
        assertEquals(Optional.empty(), EventLogDirectory.ensure(s3, fresh));
        assertEquals(List.of("fresh-events/"), keys("fresh-events/"));

        s3.putObject(b -> b.bucket("pipeline").key("old-events/eventlog_v2_app-1/events_1_app-1.zstd"), RequestBody.fromString("{}"));
        assertEquals(Optional.empty(), EventLogDirectory.ensure(s3, new EventLogDirectory.Marker("pipeline", "old-events/")));
        assertTrue(keys("old-events/").contains("old-events/eventlog_v2_app-1/events_1_app-1.zstd"));
    }

    @Test
    void aRoleThatMayNotWriteTheMarkerFailsTheStartUpOnlyWhenNothingIsThere() {
        S3Client denied = new Wrapped(s3, false);
        Optional<String> problem = EventLogDirectory.ensure(denied, new EventLogDirectory.Marker("pipeline", "denied-events/"));
        assertTrue(problem.isPresent());
        assertTrue(problem.get().contains("aws s3api put-object --bucket pipeline --key denied-events/")
                && problem.get().contains("s3:PutObject on arn:aws:s3:::pipeline/denied-events/"), problem.get());
        s3.putObject(b -> b.bucket("pipeline").key("made-by-hand/"), RequestBody.empty());
        assertEquals(Optional.empty(), EventLogDirectory.ensure(denied, new EventLogDirectory.Marker("pipeline", "made-by-hand/")));
    }

    @Test
    void aWriteThatTookEffectBeforeItsCallFailedCounts() {
        S3Client applyThenThrow = new Wrapped(s3, true);
        assertEquals(Optional.empty(), EventLogDirectory.ensure(applyThenThrow, new EventLogDirectory.Marker("pipeline", "timeout-events/")));
        assertEquals(List.of("timeout-events/"), keys("timeout-events/"));
    }

    /** Puts fail: after writing ({@code apply}: a timeout after the write) or without writing (access denied). */
    private record Wrapped(S3Client delegate, boolean apply) implements S3Client {
        @Override
        public PutObjectResponse putObject(PutObjectRequest request, RequestBody body) {
            if (apply) {
                delegate.putObject(request, body);
            }
            throw (S3Exception) S3Exception.builder().statusCode(apply ? 500 : 403)
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode(apply ? "InternalError" : "AccessDenied")
                            .errorMessage(apply ? "timed out" : "Access Denied").build()).build();
        }

        @Override
        public ListObjectsV2Response listObjectsV2(ListObjectsV2Request request) {
            return delegate.listObjectsV2(request);
        }

        @Override
        public String serviceName() {
            return delegate.serviceName();
        }

        @Override
        public void close() {
        }
    }
}
