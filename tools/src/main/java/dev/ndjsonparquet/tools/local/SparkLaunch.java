package dev.ndjsonparquet.tools.local;

import dev.ndjsonparquet.controller.k8s.SparkApplication;
import dev.ndjsonparquet.controller.k8s.SparkApplicationSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The command line that runs one SparkApplication as spark-submit would in local mode: a child JVM on the
 * Spark classpath with the application's {@code spec.mainClass} and {@code spec.arguments}, its
 * {@code sparkConf} (and {@code hadoopConf} as {@code spark.hadoop.*}) as system properties, which
 * {@code SparkConf} reads, and the master set to {@code local[cores]}. Pure: tests check it without a JVM.
 *
 * @param java      the java executable
 * @param classpath the Spark side's classpath (spark-tools jar and its libraries, spark-app among them)
 * @param javaOpts  JVM options Spark needs (--add-opens ...)
 * @param cores     local[cores]
 * @param memory    heap of the child JVM (-Xmx), e.g. 1g
 */
public record SparkLaunch(Path java, String classpath, List<String> javaOpts, int cores, String memory) {

    public SparkLaunch {
        javaOpts = List.copyOf(javaOpts);
    }

    /** Splits the space-separated options of {@code NDJSON_PARQUET_SPARK_JAVA_OPTS}. */
    public static List<String> splitOptions(String options) {
        return options == null || options.isBlank() ? List.of()
                : Arrays.stream(options.trim().split("\\s+")).toList();
    }

    /** The java executable of this JVM. */
    public static Path currentJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    public List<String> command(SparkApplication app) {
        SparkApplicationSpec spec = app.getSpec();
        if (spec == null || spec.getMainClass() == null || spec.getMainClass().isBlank()) {
            throw new IllegalArgumentException("spec.mainClass is not set");
        }
        Map<String, String> conf = new TreeMap<>();
        if (spec.getSparkConf() != null) {
            conf.putAll(spec.getSparkConf());
        }
        if (spec.additionalProperty("hadoopConf") instanceof Map<?, ?> hadoop) {
            hadoop.forEach((k, v) -> conf.put("spark.hadoop." + k, String.valueOf(v)));
        }
        // Local mode on this machine; these win over the template, which describes a cluster.
        conf.put("spark.master", "local[" + cores + "]");
        conf.put("spark.app.name", app.getMetadata().getName());
        conf.put("spark.ui.enabled", "false");
        conf.put("spark.ui.showConsoleProgress", "false");
        conf.put("spark.driver.host", "127.0.0.1");
        conf.put("spark.driver.bindAddress", "127.0.0.1");
        conf.put("spark.sql.shuffle.partitions", String.valueOf(Math.max(2, cores)));
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.add("-Xmx" + memory);
        cmd.addAll(javaOpts);
        conf.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(spec.getMainClass());
        if (spec.getArguments() != null) {
            cmd.addAll(spec.getArguments());
        }
        return cmd;
    }
}
