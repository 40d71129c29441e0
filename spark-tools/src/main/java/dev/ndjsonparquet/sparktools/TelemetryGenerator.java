package dev.ndjsonparquet.sparktools;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Synthetic telemetry NDJSON for benchmarks: nested objects, arrays, timestamps and optional fields,
 * about 800 bytes a record, the same bytes for the same seed and size.
 */
public final class TelemetryGenerator {

    /** The explicit schema of the generated records (the fast path of the engine). */
    public static final String SCHEMA = "event_id STRING, ts TIMESTAMP, host STRING, service STRING, level STRING, "
            + "region STRING, user STRUCT<id: BIGINT, name: STRING, tier: STRING>, "
            + "http STRUCT<method: STRING, path: STRING, status: INT, latency_ms: DOUBLE, bytes: BIGINT>, "
            + "metrics STRUCT<cpu: DOUBLE, mem_mb: BIGINT, gc_ms: BIGINT>, tags ARRAY<STRING>, "
            + "trace STRUCT<trace_id: STRING, span_id: STRING>, message STRING, "
            + "error STRUCT<code: STRING, message: STRING>";

    private static final String[] SERVICES = {"checkout", "search", "payments", "inventory", "auth", "shipping"};
    private static final String[] LEVELS = {"DEBUG", "INFO", "INFO", "INFO", "WARN", "ERROR"};
    private static final String[] REGIONS = {"eu-west-1", "us-east-1", "ap-northeast-2", "sa-east-1"};
    private static final String[] METHODS = {"GET", "GET", "POST", "PUT", "DELETE"};
    private static final String[] WORDS = {"request", "served", "cache", "miss", "upstream", "latency", "retry",
        "order", "customer", "payload", "validated", "queued", "token", "refreshed", "session", "élan", "naïve"};

    private TelemetryGenerator() {
    }

    /** Writes records until the file reaches {@code bytes}; returns the number of records. */
    public static long write(Path file, long bytes, long seed) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        long written = 0;
        long records = 0;
        StringBuilder sb = new StringBuilder(1024);
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            while (written < bytes) {
                sb.setLength(0);
                record(sb, rnd, records);
                sb.append('\n');
                w.append(sb);
                written += sb.length() + 2; // approximately: the two accented words are multi-byte
                records++;
            }
        }
        return records;
    }

    private static void record(StringBuilder sb, SplittableRandom r, long i) {
        long t = 1_764_115_200_000L + i * 37 + r.nextInt(1000);
        sb.append("{\"event_id\":\"").append(hex(r, 16)).append('-').append(i).append('"');
        sb.append(",\"ts\":\"").append(java.time.Instant.ofEpochMilli(t)).append('"');
        sb.append(",\"host\":\"host-").append(r.nextInt(500)).append('"');
        sb.append(",\"service\":\"").append(pick(r, SERVICES)).append('"');
        sb.append(",\"level\":\"").append(pick(r, LEVELS)).append('"');
        sb.append(",\"region\":\"").append(pick(r, REGIONS)).append('"');
        long uid = r.nextInt(1_000_000);
        sb.append(",\"user\":{\"id\":").append(uid).append(",\"name\":\"user-").append(uid)
                .append("\",\"tier\":\"").append(r.nextInt(10) < 2 ? "gold" : "standard").append("\"}");
        sb.append(",\"http\":{\"method\":\"").append(pick(r, METHODS)).append("\",\"path\":\"/api/v1/")
                .append(pick(r, SERVICES)).append('/').append(r.nextInt(100_000)).append("\",\"status\":")
                .append(r.nextInt(20) == 0 ? 500 : 200).append(",\"latency_ms\":")
                .append(Math.round(r.nextDouble() * 50_000) / 100.0).append(",\"bytes\":").append(r.nextInt(1 << 20))
                .append('}');
        sb.append(",\"metrics\":{\"cpu\":").append(Math.round(r.nextDouble() * 1000) / 1000.0).append(",\"mem_mb\":")
                .append(128 + r.nextInt(4096)).append(",\"gc_ms\":").append(r.nextInt(50)).append('}');
        sb.append(",\"tags\":[");
        int tags = r.nextInt(5);
        for (int k = 0; k < tags; k++) {
            sb.append(k == 0 ? "" : ",").append('"').append(pick(r, WORDS)).append('"');
        }
        sb.append(']');
        sb.append(",\"trace\":{\"trace_id\":\"").append(hex(r, 32)).append("\",\"span_id\":\"").append(hex(r, 16))
                .append("\"}");
        sb.append(",\"message\":\"");
        int words = 20 + r.nextInt(25);
        for (int k = 0; k < words; k++) {
            sb.append(k == 0 ? "" : " ").append(pick(r, WORDS));
        }
        sb.append('"');
        if (r.nextInt(10) == 0) {
            sb.append(",\"error\":{\"code\":\"E").append(r.nextInt(100)).append("\",\"message\":\"upstream ")
                    .append(pick(r, WORDS)).append(" failed\"}");
        }
        sb.append('}');
    }

    private static String pick(SplittableRandom r, String[] a) {
        return a[r.nextInt(a.length)];
    }

    private static String hex(SplittableRandom r, int n) {
        char[] c = new char[n];
        for (int k = 0; k < n; k++) {
            c[k] = Character.forDigit(r.nextInt(16), 16);
        }
        return new String(c);
    }
}
