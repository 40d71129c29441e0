package dev.ndjsonparquet.tools.local;

import dev.ndjsonparquet.settings.ResolvedSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code demo --iceberg}: the Spark applications write Iceberg tables in a local catalog (a SQLite file under
 * the demo's directory), and the demo ends by reading them back through that catalog in a child JVM on the
 * Spark classpath ({@code read-table}), as any engine would.
 */
public final class IcebergDemo {

    private IcebergDemo() {
    }

    /** The Spark application's arguments that select the Iceberg output and the demo's local catalog. */
    public static String sparkAppArgs(Path dir) {
        return String.join(" ", sparkArgs(dir));
    }

    /** The Spark application's arguments: the catalog, and new fields becoming columns (the demo's schema is given). */
    static List<String> sparkArgs(Path dir) {
        List<String> args = new ArrayList<>(catalogArgs(dir));
        args.addAll(List.of("--schema-evolution", "add-new-columns"));
        return args;
    }

    /** Records of the demo's second manifest: fields the schema lacks, one top-level and one nested. */
    public static final int EVOLVED_RECORDS = 50;

    /**
     * Writes a file whose records bring two fields the schema lacks ({@code country}, {@code payload.referrer});
     * with {@code schema-evolution add-new-columns} its manifest's commit adds both columns to the table.
     */
    public static Path writeEvolvedFile(Path dir) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < EVOLVED_RECORDS; i++) {
            sb.append("{\"id\":").append(9_000_000 + i).append(",\"ts\":\"2026-11-26T12:00:00Z\",\"user_id\":\"u")
                    .append(i).append("\",\"event\":\"view\",\"amount\":1.5,\"tags\":[\"new\"],")
                    .append("\"payload\":{\"page\":\"/home\",\"ms\":12,\"referrer\":\"search\"},\"country\":\"NL\"}\n");
        }
        try {
            Path f = dir.resolve("zz-schema-change.ndjson");
            Files.writeString(f, sb, StandardCharsets.UTF_8);
            return f;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static List<String> catalogArgs(Path dir) {
        return List.of("--output-mode", "iceberg",
                "--iceberg-catalog-uri", "jdbc:sqlite:" + dir.resolve("catalog").resolve("catalog.db"),
                "--iceberg-warehouse", dir.resolve("buckets").resolve("lake").resolve("warehouse").toUri().toString());
    }

    /** Reads the tables back, printing what the catalog holds; returns the child's exit code (0: consistent). */
    public static int readBack(ResolvedSettings s, Path dir, PrintWriter out) {
        List<String> cmd = new ArrayList<>();
        cmd.add(SparkLaunch.currentJava().toString());
        cmd.add("-Xmx" + s.get(LocalSettings.LOCAL_SPARK_MEMORY));
        cmd.addAll(SparkLaunch.splitOptions(s.get(LocalSettings.SPARK_JAVA_OPTS)));
        cmd.addAll(List.of("-cp", s.get(LocalSettings.SPARK_CLASSPATH), "dev.ndjsonparquet.sparktools.SparkCli", "read-table"));
        cmd.addAll(catalogArgs(dir));
        try {
            Path log = dir.resolve("logs").resolve("read-table.log");
            Files.createDirectories(log.getParent());
            Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
            out.println("read back through the Iceberg catalog (" + dir.resolve("catalog") + "):");
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    out.println("  " + line);
                }
            }
            out.flush();
            return p.waitFor();
        } catch (IOException e) {
            out.println("  cannot read the tables back: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
