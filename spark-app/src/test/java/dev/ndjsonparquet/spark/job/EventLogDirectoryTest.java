package dev.ndjsonparquet.spark.job;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.history.EventLogFileWriter;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import scala.Option;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Why the dispatcher writes the event-log directory's marker at start-up (controller's EventLogDirectory): Spark's
 * own event-log writer, as SparkContext starts it with the chart's settings (rolling event logs, S3A), refuses an
 * S3 prefix with nothing under it, so every run on a fresh install failed; with the empty {@code <prefix>/} object
 * the dispatcher writes, it starts and writes its logs there.
 */
class EventLogDirectoryTest {

    private static final SparkSession SPARK = SharedSpark.get();

    @RegisterExtension
    static final S3aMockServer S3_MOCK = S3aMockServer.forSpark(SPARK, "pipeline");

    private static EventLogFileWriter writer(String dir) {
        SparkConf conf = new SparkConf(false).set("spark.eventLog.rolling.enabled", "true").set("spark.eventLog.compress", "true");
        return EventLogFileWriter.apply("app-1", Option.empty(), URI.create(dir), conf, SPARK.sparkContext().hadoopConfiguration());
    }

    @Test
    void sparkRefusesAFreshPrefixAndAcceptsItOnceItsMarkerExists() {
        EventLogFileWriter fresh = writer("s3a://pipeline/spark-events");
        Exception refused = assertThrows(Exception.class, fresh::start);
        assertTrue(String.valueOf(refused.getMessage()).contains("spark-events"), String.valueOf(refused));

        try (S3Client s3 = S3_MOCK.createS3ClientV2()) {
            // What the dispatcher writes: the empty object <prefix>/.
            s3.putObject(b -> b.bucket("pipeline").key("spark-events/"), RequestBody.empty());
            EventLogFileWriter marked = writer("s3a://pipeline/spark-events");
            marked.start();
            marked.stop();
            assertTrue(s3.listObjectsV2(b -> b.bucket("pipeline").prefix("spark-events/eventlog_v2_app-1/")).contents().stream()
                    .map(S3Object::key).anyMatch(k -> k.contains("events_1_app-1")), "Spark wrote its event log under the marker");
        }
    }
}
