package dev.ndjsonparquet.tools.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The directory a local command (demo, soak) works in: emptied when an earlier run of the same command made it
 * (a marker file says so), so nothing of that run is read as this one's output; any other non-empty directory
 * is refused, never emptied.
 */
final class WorkDirectory {

    private WorkDirectory() {
    }

    /**
     * Prepares {@code dir} for {@code command}: creates it, or empties it if a run of {@code command} made it.
     *
     * @throws IllegalArgumentException naming the directory when it holds anything else or cannot be prepared
     */
    static void prepare(Path dir, String command) {
        Path marker = dir.resolve(".ndjson-parquet-" + command);
        try {
            if (Files.isDirectory(dir)) {
                boolean empty;
                try (Stream<Path> s = Files.list(dir)) {
                    empty = s.findAny().isEmpty();
                }
                if (!empty && !Files.exists(marker)) {
                    throw new IllegalArgumentException("--dir " + dir + " is not empty and was not made by the " + command
                            + " (it has no " + marker.getFileName() + "); choose another directory, or remove this one");
                }
                try (Stream<Path> walk = Files.walk(dir)) {
                    for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                        if (!p.equals(dir)) {
                            Files.delete(p);
                        }
                    }
                }
            }
            Files.createDirectories(dir);
            Files.writeString(marker, "made by ndjson-parquet " + command + "; emptied by the next " + command + "\n");
        } catch (IOException e) {
            throw new IllegalArgumentException("--dir " + dir + " cannot be prepared: " + e.getMessage(), e);
        }
    }
}
