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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench}: generates synthetic telemetry NDJSON files of two sizes, converts each with this
 * project's engine (explicit schema, zstd) and with DuckDB ({@code read_ndjson} to zstd Parquet, same
 * thread count), each run in its own JVM, {@code --runs} times, the two sides and sizes interleaved within
 * each run (so a machine that slows down between runs slows both). Prints, per side and size, the median
 * and range of whole-process CPU-seconds and peak RSS; then the steady-state rate of each side (the
 * difference between the two sizes of one run, start-up and JIT cancelled out) and the engine/DuckDB
 * ratios, each ratio taken run by run. A measurement, never a test; the arithmetic is {@link BenchStats}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark the conversion engine against DuckDB on the same synthetic files.")
public final class BenchCommand implements Callable<Integer> {

    static final List<String> SIDES = List.of("engine", "duckdb");

    @Option(names = "--size-mb", paramLabel = "<MB>", description = "Size of the small file (default: 1024).")
    long sizeMb = 1024;

    @Option(names = "--large-size-mb", paramLabel = "<MB>",
            description = "Size of the large file, for the steady-state rate; 0 to skip (default: 4096).")
    long largeSizeMb = 4096;

    @Option(names = "--runs", paramLabel = "<n>", description = "Runs of each side and size; medians and ranges over them (default: 3).")
    int runCount = 3;

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
        if (sizeMb <= 0 || threads <= 0 || runCount <= 0 || largeSizeMb < 0 || (largeSizeMb > 0 && largeSizeMb <= sizeMb)
                || (only != null && !SIDES.contains(only))) {
            spec.commandLine().getErr().println("bench: sizes, --runs and --threads must be positive, --large-size-mb above"
                    + " --size-mb, --only engine or duckdb");
            return 2;
        }
        Files.createDirectories(workDir);
        List<Long> sizes = largeSizeMb > 0 ? List.of(sizeMb, largeSizeMb) : List.of(sizeMb);
        List<Path> inputs = new ArrayList<>();
        for (long size : sizes) {
            Path input = workDir.resolve("telemetry-" + size + "mb.ndjson");
            if (!Files.exists(input)) {
                out.printf("generating %s (%d MB)...%n", input, size);
                out.flush();
                TelemetryGenerator.write(input, size << 20, 42);
            }
            inputs.add(input);
        }
        List<String> sides = only == null ? SIDES : List.of(only);
        out.printf("load average before: %s%n", loadAverage());
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < runCount; i++) {
            // Alternate which side goes first, so neither always runs on a cache the other warmed.
            List<String> order = new ArrayList<>(sides);
            if (i % 2 == 1) {
                Collections.reverse(order);
            }
            for (Path input : inputs) {
                for (String side : order) {
                    Path o = workDir.resolve("out-" + side);
                    deleteTree(o);
                    String[] r = runWorker(side, input, o);
                    deleteTree(o);
                    if (r == null) {
                        spec.commandLine().getErr().println("bench: the " + side + " run failed; see "
                                + workDir.resolve("worker-" + side + ".log"));
                        return 1;
                    }
                    Run run = new Run(side, Files.size(input) / 1e6, Double.parseDouble(r[2]), Double.parseDouble(r[3]),
                            Long.parseLong(r[4]), Long.parseLong(r[5]), Long.parseLong(r[6]), Double.parseDouble(r[7]));
                    runs.add(run);
                    out.printf("  run %d, %s %.0f MB: %.1f s wall, %.1f CPU-s whole process, %.0f MB peak RSS%n", i + 1,
                            side, run.inputMb(), run.wall(), run.processCpu(), run.peakRss() / 1e6);
                    out.flush();
                }
            }
        }
        if (!keepInputs) {
            for (Path input : inputs) {
                Files.deleteIfExists(input);
            }
        }
        out.printf("load average after: %s%n", loadAverage());
        print(out, runs, sides, inputs.size());
        return rowsAgree(runs) ? 0 : 1;
    }

    private void print(PrintWriter out, List<Run> runs, List<String> sides, int sizeCount) {
        out.printf("%n%d threads, %d cores on this machine, %s, %d runs; medians (min-max)%n", threads,
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"), runCount);
        out.printf("%-7s %9s %20s %20s %20s %10s %10s%n", "side", "input MB", "process CPU-s", "MB per CPU-s",
                "peak RSS MB", "output MB", "rows");
        for (int s = 0; s < sizeCount; s++) {
            for (String side : sides) {
                List<Run> rs = of(runs, side, s, sizeCount);
                double mb = rs.get(0).inputMb();
                out.printf("%-7s %9.0f %20s %20s %20s %10.1f %10d%n", side, mb,
                        BenchStats.spread(map(rs, Run::processCpu)).format(1),
                        BenchStats.spread(map(rs, r -> r.inputMb() / r.processCpu())).format(1),
                        BenchStats.spread(map(rs, r -> r.peakRss() / 1e6)).format(0),
                        rs.get(0).outputBytes() / 1e6, rs.get(0).rows());
            }
        }
        Map<String, List<Double>> steady = new LinkedHashMap<>();
        if (sizeCount == 2) {
            for (String side : sides) {
                List<Run> small = of(runs, side, 0, 2);
                List<Run> large = of(runs, side, 1, 2);
                List<Double> rates = new ArrayList<>();
                for (int i = 0; i < small.size(); i++) {
                    rates.add(BenchStats.steadyMbPerCpuSecond(small.get(i).inputMb(), small.get(i).processCpu(),
                            large.get(i).inputMb(), large.get(i).processCpu()));
                }
                steady.put(side, rates);
                out.printf("%s steady state: %s MB per CPU-second%n", side, BenchStats.spread(rates).format(1));
            }
        }
        if (sides.size() == 2) {
            if (steady.size() == 2) {
                out.printf("engine/duckdb steady state (MB per CPU-s, run by run): %s%n",
                        BenchStats.spread(BenchStats.ratios(steady.get("engine"), steady.get("duckdb"))).format(2));
            }
            for (int s = 0; s < sizeCount; s++) {
                List<Run> e = of(runs, "engine", s, sizeCount);
                List<Run> d = of(runs, "duckdb", s, sizeCount);
                out.printf("engine/duckdb whole process on %.0f MB (DuckDB's CPU-s over the engine's, run by run): %s%n",
                        e.get(0).inputMb(), BenchStats.spread(BenchStats.ratios(map(d, Run::processCpu),
                                map(e, Run::processCpu))).format(2));
            }
        }
    }

    /** The runs of one side on the size with index {@code s}, in run order. */
    private static List<Run> of(List<Run> runs, String side, int s, int sizeCount) {
        List<Run> bySide = runs.stream().filter(r -> r.side().equals(side)).toList();
        List<Run> r = new ArrayList<>();
        for (int i = s; i < bySide.size(); i += sizeCount) {
            r.add(bySide.get(i));
        }
        return r;
    }

    private static List<Double> map(List<Run> runs, ToDoubleFunction<Run> f) {
        return runs.stream().map(r -> f.applyAsDouble(r)).toList();
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "unknown";
        }
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
