package dev.ndjsonparquet.sparktools;

import dev.ndjsonparquet.spark.output.ConversionResult;
import dev.ndjsonparquet.conversion.ConversionSettings;
import dev.ndjsonparquet.spark.job.LocalSpark;
import dev.ndjsonparquet.spark.job.ManifestConversion;
import dev.ndjsonparquet.conversion.PartitionMode;
import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestCodec;
import dev.ndjsonparquet.manifest.ManifestFile;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * One side of the benchmark, in its own JVM so that CPU time and peak memory are its own:
 * {@code engine|duckdb <input> <output dir> <threads>}. Prints one line:
 * {@code side wallSeconds cpuSeconds peakRssBytes outputBytes rows processCpuSeconds}: the CPU of the
 * conversion alone, and of the whole process since the JVM started (start-up, JIT, session).
 */
public final class BenchWorker {

    private BenchWorker() {
    }

    public static void main(String[] args) throws Exception {
        String side = args[0];
        Path input = Path.of(args[1]);
        Path out = Path.of(args[2]);
        int threads = Integer.parseInt(args[3]);
        Files.createDirectories(out);
        long rows;
        long wall0;
        long cpu0;
        if (side.equals("engine")) {
            SparkSession spark = LocalSpark.start(threads, "bench");
            ManifestFile f = new ManifestFile(input.toUri().toString(), Files.size(input), null);
            Manifest m = Manifest.of(Instant.now(), List.of(f), out.toUri().toString(), null);
            Path mf = out.resolve("manifest.json");
            Files.write(mf, ManifestCodec.encode(m));
            ConversionSettings.Values s = ConversionSettings.Values.defaults().withSchema(TelemetryGenerator.SCHEMA)
                    .withPartitionBy(PartitionMode.parse("none"));
            wall0 = System.nanoTime();
            cpu0 = cpuNanos();
            ConversionResult r = new ManifestConversion(spark, s).run(mf.toUri().toString()).result();
            rows = r.rowsWritten();
            report(side, wall0, cpu0, out, rows);
            spark.stop();
        } else {
            Class.forName("org.duckdb.DuckDBDriver");
            try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
                st.execute("SET threads=" + threads);
                wall0 = System.nanoTime();
                cpu0 = cpuNanos();
                st.execute("COPY (SELECT * FROM read_ndjson('" + input + "')) TO '" + out.resolve("out.parquet")
                        + "' (FORMAT parquet, COMPRESSION zstd)");
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM read_parquet('" + out.resolve("out.parquet") + "')")) {
                    rs.next();
                    rows = rs.getLong(1);
                }
            }
            report(side, wall0, cpu0, out, rows);
        }
    }

    private static void report(String side, long wall0, long cpu0, Path out, long rows) throws Exception {
        double wall = (System.nanoTime() - wall0) / 1e9;
        double cpu = (cpuNanos() - cpu0) / 1e9;
        long outBytes;
        try (var s = Files.walk(out)) {
            outBytes = s.filter(p -> p.toString().endsWith(".parquet")).mapToLong(p -> p.toFile().length()).sum();
        }
        System.out.printf("BENCH %s %.3f %.3f %d %d %d %.3f%n", side, wall, cpu, peakRss(), outBytes, rows,
                cpuNanos() / 1e9);
        System.out.flush();
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** VmHWM of this process (Linux), in bytes; -1 elsewhere. */
    private static long peakRss() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmHWM:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (Exception e) {
            return -1;
        }
        return -1;
    }
}
