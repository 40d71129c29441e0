package dev.ndjsonparquet.tools.local;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The demo's input: NDJSON files of clickstream-like events, a few bad lines in each (invalid JSON,
 * trailing garbage, a top-level array, a line that is not JSON), and one file larger than the accepted size
 * band. Deterministic for a seed; records its own figures so a test can check the output against them.
 * Every good record has a unique {@code id}.
 */
public final class SampleData {

    /** The explicit schema of the generated records (Spark DDL): the fast path, no inference pass. */
    public static final String SCHEMA_DDL = "id BIGINT, ts TIMESTAMP, user_id STRING, event STRING, amount DOUBLE, "
            + "tags ARRAY<STRING>, payload STRUCT<page: STRING, ms: INT>";

    private static final String[] EVENTS = {"view", "click", "add_to_cart", "purchase", "search"};
    private static final String[] BAD = {
        "{\"id\": 17, \"event\": \"click\", \"amount\": ",
        "{\"id\": 18, \"event\": \"view\"} trailing-garbage",
        "[1, 2, 3]",
        "this line is not JSON at all",
    };

    /** One generated file and its figures. */
    public record File(Path path, long bytes, long goodRecords, long badLines, long idSum, boolean outsideBand) {
    }

    /** Everything generated. */
    public record Generated(List<File> files) {
        public List<File> inBand() {
            return files.stream().filter(f -> !f.outsideBand()).toList();
        }

        public long goodRecordsInBand() {
            return inBand().stream().mapToLong(File::goodRecords).sum();
        }

        public long badLinesInBand() {
            return inBand().stream().mapToLong(File::badLines).sum();
        }

        public long bytes() {
            return files.stream().mapToLong(File::bytes).sum();
        }
    }

    private SampleData() {
    }

    /**
     * Writes {@code count} files of about {@code fileBytes} each with {@code badLinesPerFile} bad lines, plus one
     * file of {@code outlierBytes} (outside the size band) when that is above 0.
     */
    public static Generated write(Path dir, int count, long fileBytes, int badLinesPerFile, long outlierBytes, long seed) {
        try {
            Files.createDirectories(dir);
            List<File> files = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                files.add(file(dir.resolve(String.format("events-%04d.ndjson", i + 1)), i + 1, fileBytes, badLinesPerFile,
                        seed + i, false));
            }
            if (outlierBytes > 0) {
                files.add(file(dir.resolve("events-oversized.ndjson"), count + 1, outlierBytes, 0, seed - 1, true));
            }
            return new Generated(files);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write sample data to " + dir, e);
        }
    }

    private static File file(Path path, int index, long targetBytes, int badLines, long seed, boolean outsideBand)
            throws IOException {
        Random random = new Random(seed);
        long avg = 190;
        long expectedLines = Math.max(1, targetBytes / avg);
        long badEvery = badLines > 0 ? Math.max(2, expectedLines / (badLines + 1)) : Long.MAX_VALUE;
        long bytes = 0;
        long good = 0;
        long bad = 0;
        long idSum = 0;
        long line = 0;
        Instant base = Instant.parse("2026-11-26T00:00:00Z");
        StringBuilder sb = new StringBuilder(256);
        // Spark and the engine read a temporary name no event announces; the file appears whole.
        Path temp = path.resolveSibling(path.getFileName() + ".tmp");
        try (BufferedWriter w = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
            while (bytes < targetBytes) {
                line++;
                sb.setLength(0);
                if (bad < badLines && line % badEvery == 0) {
                    sb.append(BAD[(int) (bad % BAD.length)]);
                    bad++;
                } else {
                    long id = index * 100_000_000L + line;
                    sb.append("{\"id\":").append(id)
                            .append(",\"ts\":\"").append(base.plusMillis(line * 37 + random.nextInt(37))).append('"')
                            .append(",\"user_id\":\"u-").append(random.nextInt(50_000)).append('"')
                            .append(",\"event\":\"").append(EVENTS[random.nextInt(EVENTS.length)]).append('"')
                            .append(",\"amount\":").append(random.nextInt(100_000) / 100.0)
                            .append(",\"tags\":[\"t").append(random.nextInt(20)).append("\",\"t").append(random.nextInt(20)).append("\"]")
                            .append(",\"payload\":{\"page\":\"/p/").append(random.nextInt(10_000)).append("\",\"ms\":")
                            .append(random.nextInt(5_000)).append("}}");
                    good++;
                    idSum += id;
                }
                sb.append('\n');
                w.append(sb);
                bytes += sb.length(); // ASCII only: characters are bytes
            }
        }
        while (bad < badLines) { // a very small file: the remaining bad lines at its end
            Files.writeString(temp, BAD[(int) (bad % BAD.length)] + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.APPEND);
            bytes += BAD[(int) (bad % BAD.length)].length() + 1;
            bad++;
        }
        Files.move(temp, path, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return new File(path, bytes, good, bad, idSum, outsideBand);
    }
}
