package dev.ndjsonparquet.spark.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;

/**
 * Points the shared Spark session's S3A at a test class's own S3 server, and back. Hadoop caches one file
 * system per scheme and bucket, built with the configuration of its first use: cached instances are closed
 * on both sides, or a later class would talk to an earlier class's server (gone: connection refused).
 */
public final class S3aTestServer {

    private static final String[] KEYS = {"fs.s3a.endpoint", "fs.s3a.endpoint.region", "fs.s3a.path.style.access",
        "fs.s3a.connection.ssl.enabled", "fs.s3a.aws.credentials.provider", "fs.s3a.access.key", "fs.s3a.secret.key"};

    private S3aTestServer() {
    }

    public static void point(SparkSession spark, int httpPort) {
        closeCachedFileSystems();
        Configuration c = spark.sparkContext().hadoopConfiguration();
        c.set("fs.s3a.endpoint", "http://127.0.0.1:" + httpPort);
        c.set("fs.s3a.endpoint.region", "us-east-1");
        c.set("fs.s3a.path.style.access", "true");
        c.set("fs.s3a.connection.ssl.enabled", "false");
        c.set("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
        c.set("fs.s3a.access.key", "test");
        c.set("fs.s3a.secret.key", "test");
    }

    public static void forget(SparkSession spark) {
        Configuration c = spark.sparkContext().hadoopConfiguration();
        for (String k : KEYS) {
            c.unset(k);
        }
        spark.conf().unset("spark.sql.sources.commitProtocolClass");
        spark.conf().unset("spark.sql.parquet.output.committer.class");
        closeCachedFileSystems();
    }

    private static void closeCachedFileSystems() {
        try {
            FileSystem.closeAll();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
