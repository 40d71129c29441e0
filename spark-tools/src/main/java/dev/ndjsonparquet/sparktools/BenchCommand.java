package dev.ndjsonparquet.sparktools;

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
 * {@code bench}: generates synthetic telemetry NDJSON files of two sizes, converts each with this
 * project's engine (explicit schema, zstd) and with DuckDB ({@code read_ndjson} to zstd Parquet, same
 * thread count), each run in its own JVM, and prints per run: wall seconds, whole-process CPU seconds,
 * peak RSS, output bytes and rows; then the steady-state rate of each side as the difference between
 * the two sizes (MB per CPU-second, start-up and JIT cancelled out) and the engine/DuckDB ratios.
 * A measurement, never a test.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark the conversion engine against DuckDB on the same synthetic files.")
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--size-mb", paramLabel = "<MB>", description = "Size of the small file (default: 1024).")
    long sizeMb = 1024;

    @Option(names = "--large-size-mb", paramLabel = "<MB>",
            description = "Size of the large file, for the steady-state rate; 0 to skip (default: 4096).")
    long largeSizeMb = 4096;

    @Option(names = "--threads", paramLabel = "<n>", description = "Cores for both sides (default: 2).")
    int threads = 2;

    @Option(names = "--work-dir", paramLabel = "<dir>", description = "Where the input and outputs go (default: a temp dir).")
    Path workDir = Path.of(System.getProperty("java.io.tmpdir"), "ndjson-parquet-bench");

    @Option(names = "--only", paramLabel = "<side>", description = "Run only `engine` or `duckdb`.")
    String only;

    @Option(names = "--keep-inputs", description = "Keep the generated files (they are reused by the next run).")
    boolean keepInputs;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** One run: side, input MB, wall s, conversion CPU s, peak RSS bytes, output bytes, rows, process CPU s. */
    record Run(String side, double inputMb, double wall, double cpu, long peakRss, long outputBytes, long rows,
               double processCpu) {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (sizeMb <= 0 || threads <= 0 || largeSizeMb < 0 || (largeSizeMb > 0 && largeSizeMb <= sizeMb)) {
            spec.commandLine().getErr().println("bench: sizes and --threads must be positive, --large-size-mb above --size-mb");
            return 2;
        }
        Files.createDirectories(workDir);
        List<Long> sizes = largeSizeMb > 0 ? List.of(sizeMb, largeSizeMb) : List.of(sizeMb);
        List<Run> runs = new ArrayList<>();
        for (long size : sizes) {
            Path input = workDir.resolve("telemetry-" + size + "mb.ndjson");
            if (!Files.exists(input)) {
                out.printf("generating %s (%d MB)...%n", input, size);
                out.flush();
                TelemetryGenerator.write(input, size << 20, 42);
            }
            double inputMb = Files.size(input) / 1e6;
            for (String side : List.of("engine", "duckdb")) {
                if (only != null && !only.equals(side)) {
                    continue;
                }
                Path o = workDir.resolve("out-" + side);
                deleteTree(o);
                String[] r = runWorker(side, input, o);
                deleteTree(o);
                if (r == null) {
                    spec.commandLine().getErr().println("bench: the " + side + " run failed; see "
                            + workDir.resolve("worker-" + side + ".log"));
                    return 1;
                }
                Run run = new Run(side, inputMb, Double.parseDouble(r[2]), Double.parseDouble(r[3]), Long.parseLong(r[4]),
                        Long.parseLong(r[5]), Long.parseLong(r[6]), Double.parseDouble(r[7]));
                runs.add(run);
                out.printf("  %s %.0f MB: %.1f s wall, %.1f CPU-s whole process%n", side, inputMb, run.wall(), run.processCpu());
                out.flush();
            }
            if (!keepInputs) {
                Files.deleteIfExists(input);
            }
        }
        print(out, runs);
        return rowsAgree(runs) ? 0 : 1;
    }

    private void print(PrintWriter out, List<Run> runs) {
        out.printf("%n%d threads, %d cores on this machine, %s%n", threads, Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.arch"));
        out.printf("%-7s %9s %8s %13s %13s %14s %9s %10s %10s%n", "side", "input MB", "wall s", "process CPU-s",
                "convert CPU-s", "MB per CPU-s", "peak MB", "output MB", "rows");
        for (Run r : runs) {
            out.printf("%-7s %9.0f %8.1f %13.1f %13.1f %14.1f %9.0f %10.1f %10d%n", r.side(), r.inputMb(), r.wall(),
                    r.processCpu(), r.cpu(), r.inputMb() / r.processCpu(), r.peakRss() / 1e6, r.outputBytes() / 1e6,
                    r.rows());
        }
        Double engineSteady = steady(runs, "engine");
        Double duckSteady = steady(runs, "duckdb");
        if (engineSteady != null) {
            out.printf("engine steady state: %.1f MB per CPU-second%n", engineSteady);
        }
        if (duckSteady != null) {
            out.printf("duckdb steady state: %.1f MB per CPU-second%n", duckSteady);
        }
        if (engineSteady != null && duckSteady != null) {
            out.printf("engine/duckdb steady state: %.2f%n", engineSteady / duckSteady);
        }
        for (Run e : runs) {
            for (Run d : runs) {
                if (e.side().equals("engine") && d.side().equals("duckdb") && e.inputMb() == d.inputMb()) {
                    out.printf("engine/duckdb whole process on %.0f MB: %.2f%n", e.inputMb(), d.processCpu() / e.processCpu());
                }
            }
        }
    }

    /** (large MB - small MB) / (large CPU - small CPU) of one side, or null without two sizes. */
    static Double steady(List<Run> runs, String side) {
        List<Run> s = runs.stream().filter(r -> r.side().equals(side)).toList();
        if (s.size() < 2) {
            return null;
        }
        Run small = s.get(0);
        Run large = s.get(s.size() - 1);
        return (large.inputMb() - small.inputMb()) / (large.processCpu() - small.processCpu());
    }

    private boolean rowsAgree(List<Run> runs) {
        for (Run a : runs) {
            for (Run b : runs) {
                if (a.inputMb() == b.inputMb() && a.rows() != b.rows()) {
                    spec.commandLine().getErr().printf("WARNING: row counts differ on %.0f MB (%d vs %d)%n", a.inputMb(),
                            a.rows(), b.rows());
                    return false;
                }
            }
        }
        return true;
    }

    private String[] runWorker(String side, Path input, Path o) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), BenchWorker.class.getName(), side,
                input.toString(), o.toString(), String.valueOf(threads)));
        // The worker's log goes beside the outputs, so a failed run can be diagnosed.
        Process p = new ProcessBuilder(cmd).redirectError(workDir.resolve("worker-" + side + ".log").toFile()).start();
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
