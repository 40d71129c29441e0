package dev.ndjsonparquet.tools.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the end-to-end tests of demo and run need: the packaged spark-tools ({@link SparkToolsPackage}), DuckDB to read
 * the Parquet back (Spark stays off the controller's classpath) and a check that a command left no thread behind.
 */
final class SparkAppBuild {

    private SparkAppBuild() {
    }

    /** The environment the launcher script would give the controller; skips the test when spark-tools is not packaged. */
    static Map<String, String> launcherEnvironment() {
        return Map.of("NDJSON_PARQUET_SPARK_CLASSPATH", SparkToolsPackage.locateOrSkip().classpath(),
                "NDJSON_PARQUET_SPARK_JAVA_OPTS", System.getProperty("ndjsonparquet.sparkJavaOpts", ""));
    }

    /** The generated files of a demo inside the size band (all but the oversized one), in name order. */
    static List<Path> inBand(Path demoDir) throws IOException {
        try (Stream<Path> s = Files.list(demoDir.resolve("buckets/landing/ndjson"))) {
            return s.filter(p -> !p.getFileName().toString().contains("oversized")).sorted().toList();
        }
    }

    /** One row of numbers from DuckDB. */
    static List<Long> query(String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             Statement s = c.createStatement()) {
            s.execute("SET threads=1");
            try (ResultSet r = s.executeQuery(sql)) {
                r.next();
                List<Long> out = new ArrayList<>();
                for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
                    out.add(r.getLong(i));
                }
                return out;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** The good records of the NDJSON files: count and sum of their ids, counted here without the generator's help. */
    static long[] goodRecords(List<Path> files) throws IOException {
        long count = 0;
        long sum = 0;
        for (Path f : files) {
            for (String line : Files.readAllLines(f)) {
                if (line.matches("\\{\"id\":\\d+,.*\\}\\}")) {
                    count++;
                    sum += Long.parseLong(line.substring(6, line.indexOf(',')));
                }
            }
        }
        return new long[] {count, sum};
    }

    static Set<Thread> nonDaemonThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && !t.isDaemon()).collect(Collectors.toSet());
    }

    /** Non-daemon threads started since {@code before} still alive after a grace period. */
    static List<String> leftoverThreads(Set<Thread> before) {
        Instant until = Instant.now().plusSeconds(15);
        List<String> left;
        do {
            left = nonDaemonThreads().stream().filter(t -> !before.contains(t)).map(Thread::getName).sorted().toList();
            if (left.isEmpty()) {
                return left;
            }
            sleep(Duration.ofMillis(200));
        } while (Instant.now().isBefore(until));
        return left;
    }

    static void await(Duration timeout, BooleanSupplier condition, String what) {
        Instant until = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(until)) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            sleep(Duration.ofMillis(250));
        }
    }

    static long files(Path dir, String suffix) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).count();
        } catch (IOException e) {
            return 0;
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
