package dev.ndjsonparquet.tools.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * A subcommand that needs Spark ({@code convert}, {@code bench}): the controller never has Spark on its
 * classpath, so it runs the Spark side's command line in a child JVM on the Spark application's classpath
 * ({@code NDJSON_PARQUET_SPARK_CLASSPATH}, set by the launcher script), passing every argument through.
 */
abstract class SparkSideCommand implements Callable<Integer> {

    static final String CLASSPATH_ENV = "NDJSON_PARQUET_SPARK_CLASSPATH";
    static final String JAVA_OPTS_ENV = "NDJSON_PARQUET_SPARK_JAVA_OPTS";

    @CommandLine.Unmatched
    List<String> arguments = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        String classpath = System.getenv(CLASSPATH_ENV);
        if (classpath == null || classpath.isBlank()) {
            spec.commandLine().getErr().println(spec.name() + " runs on the Spark application's classpath, which is not set ("
                    + CLASSPATH_ENV + "). Build with `mvn -q -B -DskipTests package` and run `./ndjson-parquet "
                    + spec.name() + " ...`.");
            return 2;
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String opts = System.getenv(JAVA_OPTS_ENV);
        if (opts != null && !opts.isBlank()) {
            cmd.addAll(List.of(opts.trim().split("\\s+")));
        }
        cmd.addAll(List.of("-Xmx4g", "-cp", classpath, "dev.ndjsonparquet.sparktools.SparkCli", spec.name()));
        cmd.addAll(arguments);
        return new ProcessBuilder(cmd).inheritIO().start().waitFor();
    }

    @CommandLine.Command(name = "convert", description = "Convert local NDJSON files to Parquet with Spark in "
            + "local mode and print a summary (`convert --help` lists its options).")
    static final class Convert extends SparkSideCommand {
    }

    @CommandLine.Command(name = "bench", description = "Benchmark the conversion engine against DuckDB on a "
            + "synthetic telemetry file (`bench --help` lists its options).")
    static final class Bench extends SparkSideCommand {
    }

    @CommandLine.Command(name = "read-table", description = "Read the Iceberg tables of --output-mode iceberg back "
            + "through their catalog and print each manifest's append (`read-table --help` lists its options).")
    static final class ReadTable extends SparkSideCommand {
    }
}
