package dev.ndjsonparquet.spark.job;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A test class's own S3 server (S3Mock on a free HTTP port, with its buckets) with the Spark session's S3A pointed
 * at it for the class and pointed away afterwards ({@link S3aTestServer}). Register it as a static
 * {@code @RegisterExtension} field.
 */
public final class S3aMockServer implements BeforeAllCallback, AfterAllCallback {

    private final SparkSession spark;
    private final S3MockExtension s3;

    private S3aMockServer(SparkSession spark, String... buckets) {
        this.spark = spark;
        this.s3 = S3MockExtension.builder().silent().withHttpPort(0).withHttpsPort(0).withSecureConnection(false)
                .withInitialBuckets(buckets).build();
    }

    public static S3aMockServer forSpark(SparkSession spark, String... buckets) {
        return new S3aMockServer(spark, buckets);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        s3.beforeAll(context);
        S3aTestServer.point(spark, s3.getHttpPort());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            S3aTestServer.forget(spark);
        } finally {
            s3.afterAll(context);
        }
    }

    /** A client of this server (path-style, test credentials). */
    public S3Client createS3ClientV2() {
        return s3.createS3ClientV2();
    }
}
