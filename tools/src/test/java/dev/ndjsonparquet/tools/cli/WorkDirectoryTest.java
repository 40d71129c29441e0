package dev.ndjsonparquet.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A local command's directory: its own earlier run's files go, anything else stays and is refused. */
class WorkDirectoryTest {

    @TempDir
    Path tmp;

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void aMissingDirectoryIsCreatedWithItsMarker() throws Exception {
        Path dir = tmp.resolve("a/b");
        WorkDirectory.prepare(dir, "soak");
        assertEquals(List.of(".ndjson-parquet-soak"), names(dir));
    }

    /** An earlier soak's lake, read again, would count every row twice: the second soak starts from nothing. */
    @Test
    void anEarlierRunsFilesAreRemoved() throws Exception {
        Path dir = tmp.resolve("soak");
        WorkDirectory.prepare(dir, "soak");
        Files.createDirectories(dir.resolve("lake/events"));
        Files.writeString(dir.resolve("lake/events/part-0.parquet"), "rows of the earlier soak");
        Files.writeString(dir.resolve("soak.log"), "log");
        WorkDirectory.prepare(dir, "soak");
        assertEquals(List.of(".ndjson-parquet-soak"), names(dir));
    }

    @Test
    void aDirectoryOfAnythingElseIsRefusedAndKept() throws Exception {
        Files.writeString(tmp.resolve("precious.txt"), "keep me");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WorkDirectory.prepare(tmp, "soak"));
        assertTrue(e.getMessage().contains(tmp + " is not empty and was not made by the soak"), e.getMessage());
        assertEquals(List.of("precious.txt"), names(tmp));
    }

    @Test
    void anotherCommandsDirectoryIsNotThisOnes() throws Exception {
        Path dir = tmp.resolve("demo");
        WorkDirectory.prepare(dir, "demo");
        Files.writeString(dir.resolve("summary.txt"), "the demo's");
        assertThrows(IllegalArgumentException.class, () -> WorkDirectory.prepare(dir, "soak"));
        assertEquals(List.of(".ndjson-parquet-demo", "summary.txt"), names(dir));
    }
}
