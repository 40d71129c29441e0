package dev.ndjsonparquet.spark.job;

import org.apache.spark.sql.SparkSession;

/** A Spark session in local mode, for the command line, the local runner and tests. */
public final class LocalSpark {

    private LocalSpark() {
    }

    public static SparkSession start(int cores, String appName) {
        return start(cores, 1, appName);
    }

    /**
     * A session whose tasks are tried up to {@code maxFailures} times ({@code local[cores,maxFailures]}), as a cluster
     * retries a task on another executor: the tests run so, to see a retried task's output kept exactly once.
     */
    public static SparkSession start(int cores, int maxFailures, String appName) {
        return SparkSession.builder()
                .appName(appName)
                .master("local[" + cores + "," + maxFailures + "]")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", String.valueOf(Math.max(2, cores)))
                .config("spark.sql.adaptive.enabled", "false")
                .config("spark.sql.caseSensitive", "true")
                .config("spark.sql.sources.parallelPartitionDiscovery.parallelism", "2")
                // Spark would claim the JVM-wide URL handler factory, which embedded servers (S3Mock's Tomcat) need.
                .config("spark.sql.defaultUrlStreamHandlerFactory.enabled", "false")
                .getOrCreate();
    }

    /** The conversion settings every session needs, in cluster too (the SparkApplication sets them as well). */
    public static void applyRequired(SparkSession spark) {
        // JSON keys "a" and "A" are different fields: keep them apart when writing Parquet.
        spark.conf().set("spark.sql.caseSensitive", "true");
    }
}
