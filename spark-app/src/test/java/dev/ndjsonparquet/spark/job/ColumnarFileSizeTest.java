package dev.ndjsonparquet.spark.job;

import dev.ndjsonparquet.spark.output.ConversionResult;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.conversion.ConversionSettings;
import dev.ndjsonparquet.settings.SettingsResolver;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The columnar writer rolls files at the target size, measured on the bytes it wrote; no row is lost. */
class ColumnarFileSizeTest {

    private static final String SCHEMA = "id BIGINT, ts TIMESTAMP, host STRING, service STRING, level STRING, trace STRING, "
            + "status INT, latency_ms DOUBLE, message STRING";
    private static final String[] SERVICES = {"checkout", "search", "payments", "inventory", "auth", "shipping"};
    private static final String[] LEVELS = {"DEBUG", "INFO", "INFO", "INFO", "WARN", "ERROR"};
    private static final String[] WORDS = {"request", "served", "cache", "miss", "upstream", "retry", "order", "token"};

    @TempDir
    Path dir;

    @Test
    void filesAreRolledAtTheTargetSize() throws Exception {
        Path input = dir.resolve("telemetry.ndjson");
        long records = writeRecords(input, 24L << 20);
        ConversionSettings.Values s = ConversionSettings.Values.from(SettingsResolver.resolve(ConversionSettings.ALL,
                Map.of("target-file-size-mb", "1", "partition-by", "none", "schema", SCHEMA),
                Map.of(), Map.of()));
        ConversionResult r = SharedSpark.convert(s, dir.resolve("out"), input).result();
        assertEquals(records, r.rowsWritten());
        List<Path> files;
        try (var walk = Files.walk(Path.of(r.dataLocation().replace("file:", "")))) {
            files = walk.filter(p -> p.toString().endsWith(".parquet")).toList();
        }
        assertEquals(r.outputFiles(), files.size());
        assertTrue(files.size() >= 2, "a few MB of Parquet in files of about 1 MB: " + files.size() + " file(s)");
        for (Path f : files) {
            assertTrue(Files.size(f) < 2L << 20, f + " is " + Files.size(f) + " bytes, target 1 MB");
        }
        assertEquals(records, SharedSpark.get().read().parquet(r.dataLocation()).count());
    }

    /**
     * Log-like records (a few random fields among repetitive ones, as the bench's telemetry, which lives in
     * spark-tools, off this module), written until the file holds {@code bytes}; returns how many.
     */
    private static long writeRecords(Path file, long bytes) throws IOException {
        SplittableRandom r = new SplittableRandom(5);
        long written = 0;
        long records = 0;
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            while (written < bytes) {
                String line = "{\"id\":" + records + ",\"ts\":\"" + java.time.Instant.ofEpochMilli(1_764_115_200_000L + records * 37)
                        + "\",\"host\":\"host-" + r.nextInt(500) + "\",\"service\":\"" + SERVICES[r.nextInt(SERVICES.length)]
                        + "\",\"level\":\"" + LEVELS[r.nextInt(LEVELS.length)] + "\",\"trace\":\"" + Long.toHexString(r.nextLong())
                        + "\",\"status\":" + (r.nextInt(20) == 0 ? 500 : 200) + ",\"latency_ms\":" + r.nextInt(90_000) / 100.0
                        + ",\"message\":\"" + WORDS[r.nextInt(WORDS.length)] + ' ' + WORDS[r.nextInt(WORDS.length)] + ' '
                        + WORDS[r.nextInt(WORDS.length)] + ' ' + WORDS[r.nextInt(WORDS.length)] + ' ' + r.nextInt(1000) + "\"}\n";
                w.write(line);
                written += line.length();
                records++;
            }
        }
        return records;
    }
}
