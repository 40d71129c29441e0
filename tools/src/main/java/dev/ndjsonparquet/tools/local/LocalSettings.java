package dev.ndjsonparquet.tools.local;

import dev.ndjsonparquet.controller.builder.BuilderSettings;
import dev.ndjsonparquet.controller.dispatch.DispatcherSettings;
import dev.ndjsonparquet.settings.Setting;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The settings of {@code demo} and {@code run}: the builder's and the dispatcher's own declarations (reused,
 * never redeclared; local runs give some of them other defaults, see {@link #localDefaults}), plus the few
 * that only a local run has.
 */
public final class LocalSettings {

    public static final Setting<String> SPARK_CLASSPATH = Setting.string("spark-classpath")
            .env("NDJSON_PARQUET_SPARK_CLASSPATH").required()
            .describedAs("Classpath the Spark side runs on (spark-tools jar and spark-tools/target/lib/*, spark-app among "
                    + "them); the launcher script sets it once `mvn -DskipTests package` has built spark-tools")
            .build();
    public static final Setting<String> SPARK_JAVA_OPTS = Setting.string("spark-java-opts")
            .env("NDJSON_PARQUET_SPARK_JAVA_OPTS").defaultValue("")
            .describedAs("JVM options of each local Spark application (the --add-opens Spark needs on Java 17); set by the launcher script")
            .build();
    public static final Setting<Integer> LOCAL_SPARK_CORES = Setting.integer("local-spark-cores")
            .env("LOCAL_SPARK_CORES").defaultValue(2).atLeast(1)
            .describedAs("Cores of each local Spark application (Spark master local[n])")
            .build();
    public static final Setting<String> LOCAL_SPARK_MEMORY = Setting.string("local-spark-memory")
            .env("LOCAL_SPARK_MEMORY").defaultValue("1g")
            .check(v -> v.matches("\\d+[kKmMgG]") ? Optional.empty() : Optional.of("expected a JVM heap size such as 1g or 768m"))
            .describedAs("Heap of each local Spark application (the template's driver memory is meant for a cluster)")
            .build();

    public static final Setting<String> DEMO_DIR = Setting.string("dir")
            .env("DEMO_DIR")
            .describedAs("Directory of the demo: the buckets (landing, lake, pipeline) and the logs; emptied first if an earlier "
                    + "demo made it. Empty: ndjson-parquet-demo in the system's temporary directory")
            .build();
    public static final Setting<Integer> DEMO_FILES = Setting.integer("files")
            .env("DEMO_FILES").defaultValue(10).atLeast(1)
            .describedAs("Sample NDJSON files generated inside the size band (one more, larger, is generated outside it)")
            .build();
    public static final Setting<Double> DEMO_FILE_SIZE_MB = Setting.decimal("file-size-mb")
            .env("DEMO_FILE_SIZE_MB").defaultValue(24.0)
            .check(v -> v > 0 && v <= 4096 ? Optional.empty() : Optional.of("must be above 0 and at most 4096"))
            .describedAs("Size of each generated file in MB (decimals allowed, e.g. 0.3); max-file-size-mb defaults to twice this")
            .build();
    public static final Setting<Integer> DEMO_BAD_LINES = Setting.integer("bad-lines-per-file")
            .env("DEMO_BAD_LINES_PER_FILE").defaultValue(5).atLeast(0)
            .describedAs("Bad lines (invalid JSON, trailing garbage, an array, plain text) written into each generated file")
            .build();
    public static final Setting<Boolean> DEMO_ICEBERG = Setting.bool("iceberg")
            .env("DEMO_ICEBERG").defaultValue(false)
            .describedAs("Write the rows as Apache Iceberg tables (one append per manifest) in a local catalog under the "
                    + "demo's directory, and end by reading them back through the catalog (docs/iceberg.md)")
            .build();

    public static final Setting<String> INPUT = Setting.string("input")
            .env("INPUT_DIR").required()
            .describedAs("Directory of NDJSON files to convert (read in place, never changed)")
            .build();
    public static final Setting<String> OUTPUT = Setting.string("output")
            .env("OUTPUT_DIR").required()
            .describedAs("Directory of the Parquet table; bad records, result records and the pipeline's own state "
                    + "(manifests, ledger, quarantine, logs) go under it in directories starting with '_'")
            .build();

    /** Builder and dispatcher settings that mean something on one machine. */
    public static final List<Setting<?>> PIPELINE = List.of(
            BuilderSettings.MAX_FILES_PER_MANIFEST, BuilderSettings.MAX_BATCH_SIZE_GB, BuilderSettings.MAX_BATCH_AGE_SECONDS,
            BuilderSettings.MIN_FILE_SIZE_MB, BuilderSettings.MAX_FILE_SIZE_MB, BuilderSettings.INCLUDE_PATTERNS,
            BuilderSettings.EXCLUDE_PATTERNS, BuilderSettings.QUARANTINE_MODE, BuilderSettings.SCHEMA_URI,
            DispatcherSettings.SPARK_OPERATOR,
            DispatcherSettings.MAX_CONCURRENT_RUNS, DispatcherSettings.MAX_ATTEMPTS, DispatcherSettings.RETRY_BACKOFF_SECONDS,
            DispatcherSettings.STUCK_TIMEOUT_SECONDS, DispatcherSettings.VISIBILITY_TIMEOUT_SECONDS,
            DispatcherSettings.JOB_NAMESPACE, DispatcherSettings.SPARK_APPLICATION_TEMPLATE,
            DispatcherSettings.BYTES_PER_EXECUTOR_GB, DispatcherSettings.MIN_EXECUTORS, DispatcherSettings.MAX_EXECUTORS,
            DispatcherSettings.SPARK_APP_ARGS,
            SPARK_CLASSPATH, SPARK_JAVA_OPTS, LOCAL_SPARK_CORES, LOCAL_SPARK_MEMORY);

    public static final List<Setting<?>> DEMO = concat(List.of(DEMO_DIR, DEMO_FILES, DEMO_FILE_SIZE_MB, DEMO_BAD_LINES,
            DEMO_ICEBERG), PIPELINE);
    public static final List<Setting<?>> RUN = concat(List.of(INPUT, OUTPUT), PIPELINE);

    /** The settings only local runs have, in the order of the docs/local.md table. */
    public static final List<Setting<?>> OWN = List.of(DEMO_DIR, DEMO_FILES, DEMO_FILE_SIZE_MB, DEMO_BAD_LINES, DEMO_ICEBERG,
            INPUT, OUTPUT,
            SPARK_CLASSPATH, SPARK_JAVA_OPTS, LOCAL_SPARK_CORES, LOCAL_SPARK_MEMORY);

    /** The demo's directory when {@link #DEMO_DIR} is not set. */
    public static Path demoDir(String setting) {
        return (setting == null || setting.isBlank() ? Path.of(System.getProperty("java.io.tmpdir"), "ndjson-parquet-demo")
                : Path.of(setting)).toAbsolutePath().normalize();
    }

    private LocalSettings() {
    }

    /**
     * Defaults of a local run where they differ from a cluster's: small batches that close quickly, no size
     * band (the demo sets its own), two applications at a time, quick retries.
     */
    public static java.util.Map<String, String> localDefaults() {
        java.util.Map<String, String> d = new java.util.HashMap<>();
        d.put(BuilderSettings.MAX_FILES_PER_MANIFEST.key(), "4");
        d.put(BuilderSettings.MAX_BATCH_AGE_SECONDS.key(), "5");
        d.put(BuilderSettings.MIN_FILE_SIZE_MB.key(), "0");
        d.put(BuilderSettings.MAX_FILE_SIZE_MB.key(), "0");
        d.put(DispatcherSettings.MAX_CONCURRENT_RUNS.key(), "2");
        d.put(DispatcherSettings.MAX_ATTEMPTS.key(), "2");
        d.put(DispatcherSettings.RETRY_BACKOFF_SECONDS.key(), "5");
        d.put(DispatcherSettings.STUCK_TIMEOUT_SECONDS.key(), "120");
        return d;
    }

    private static List<Setting<?>> concat(List<Setting<?>> a, List<Setting<?>> b) {
        List<Setting<?>> out = new ArrayList<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }
}
