package dev.ndjsonparquet.spark.cli;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench}: generates a synthetic telemetry NDJSON file, converts it with this project's engine
 * (explicit schema, zstd) and with DuckDB ({@code read_ndjson} to Parquet, same thread count), each in
 * its own JVM, and prints wall and CPU seconds, input MB/s per core, peak memory, output bytes and the
 * ratio engine/DuckDB. A measurement, never a test.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark the conversion engine against DuckDB on the same synthetic file.")
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--size-mb", paramLabel = "<MB>", description = "Size of the synthetic file (default: 2048).")
    long sizeMb = 2048;

    @Option(names = "--threads", paramLabel = "<n>", description = "Cores for both sides (default: 2).")
    int threads = 2;

    @Option(names = "--work-dir", paramLabel = "<dir>", description = "Where the input and outputs go (default: a temp dir).")
    Path workDir = Path.of(System.getProperty("java.io.tmpdir"), "ndjson-parquet-bench");

    @Option(names = "--only", paramLabel = "<side>", description = "Run only `engine` or `duckdb`.")
    String only;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (sizeMb <= 0 || threads <= 0) {
            spec.commandLine().getErr().println("bench: --size-mb and --threads must be positive");
            return 2;
        }
        Files.createDirectories(workDir);
        Path input = workDir.resolve("telemetry-" + sizeMb + "mb.ndjson");
        if (!Files.exists(input)) {
            out.printf("generating %s (%d MB)...%n", input, sizeMb);
            out.flush();
            long records = TelemetryGenerator.write(input, sizeMb << 20, 42);
            out.printf("  %d records%n", records);
        }
        double inputMb = Files.size(input) / 1e6;
        List<String[]> rows = new ArrayList<>();
        for (String side : List.of("engine", "duckdb")) {
            if (only != null && !only.equals(side)) {
                continue;
            }
            Path o = workDir.resolve("out-" + side);
            deleteTree(o);
            String[] r = runWorker(side, input, o);
            if (r == null) {
                spec.commandLine().getErr().println("bench: the " + side + " run failed");
                return 1;
            }
            rows.add(r);
            deleteTree(o);
        }
        out.printf("%ninput %.1f MB, %d threads, %d cores on this machine%n", inputMb, threads,
                Runtime.getRuntime().availableProcessors());
        out.printf("%-8s %9s %9s %14s %14s %10s %12s %12s%n", "side", "wall s", "cpu s", "MB/s per core",
                "MB per cpu-s", "peak MB", "output MB", "rows");
        double[] perCore = new double[2];
        int i = 0;
        for (String[] r : rows) {
            double wall = Double.parseDouble(r[2]);
            double cpu = Double.parseDouble(r[3]);
            perCore[i++] = inputMb / wall / threads;
            out.printf("%-8s %9.1f %9.1f %14.1f %14.1f %10.0f %12.1f %12s%n", r[1], wall, cpu, inputMb / wall / threads,
                    inputMb / cpu, Long.parseLong(r[4]) / 1e6, Long.parseLong(r[5]) / 1e6, r[6]);
        }
        if (rows.size() == 2) {
            out.printf("engine/duckdb: %.2f of DuckDB's input MB/s per core (wall)%n", perCore[0] / perCore[1]);
            if (!rows.get(0)[6].equals(rows.get(1)[6])) {
                out.printf("WARNING: row counts differ (%s vs %s)%n", rows.get(0)[6], rows.get(1)[6]);
                return 1;
            }
        }
        return 0;
    }

    private String[] runWorker(String side, Path input, Path o) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), BenchWorker.class.getName(), side,
                input.toString(), o.toString(), String.valueOf(threads)));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String[] result = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("BENCH ")) {
                    result = line.split(" ");
                }
            }
        }
        return p.waitFor() == 0 ? result : null;
    }

    private static void deleteTree(Path p) throws Exception {
        if (Files.exists(p)) {
            try (var s = Files.walk(p)) {
                s.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }
}
