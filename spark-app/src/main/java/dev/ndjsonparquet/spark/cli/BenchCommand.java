package dev.ndjsonparquet.spark.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code bench}: placeholder until the benchmark lands (see issue 2). */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmark the conversion against DuckDB.")
public final class BenchCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("bench: not available yet");
        return 1;
    }
}
