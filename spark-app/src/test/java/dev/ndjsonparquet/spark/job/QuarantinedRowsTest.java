package dev.ndjsonparquet.spark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ndjsonparquet.spark.read.FileSplitRange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run removes the rows of its quarantined files' splits, and never another run's files with the same partition id. */
class QuarantinedRowsTest {

    @TempDir
    Path dir;

    @Test
    void onlyThisRunsFilesOfTheQuarantinedSplitsAreRemoved() throws IOException {
        String stale = "0b1e0c0a-0000-4000-8000-000000000001";
        String newer = "0b1e0c0a-0000-4000-8000-000000000002";
        List<String> files = List.of(
                "part-00001-" + stale + "-c000.zstd.parquet",                      // the quarantined split, this run
                "event_date=2026-01-01/part-00001-" + stale + "-c001.zstd.parquet", // the same, another partition
                "part-00001-" + newer + "-c000.zstd.parquet",                      // the same split, another run's rows
                "part-00002-" + stale + "-c000.zstd.parquet");                     // a split of a file that was kept
        for (String f : files) {
            Files.createDirectories(dir.resolve(f).getParent());
            Files.writeString(dir.resolve(f), "rows");
        }
        List<FileSplitRange> splits = List.of(new FileSplitRange(1, 0, 0, "file:/in/a.ndjson", 0, 10, false),
                new FileSplitRange(2, 1, 0, "file:/in/b.ndjson", 0, 10, false));

        QuarantinedRows.remove(new Configuration(), dir.toUri().toString(), splits, Map.of(0, "object changed"), stale);

        try (Stream<Path> s = Files.walk(dir)) {
            assertEquals(List.of("part-00001-" + newer + "-c000.zstd.parquet", "part-00002-" + stale + "-c000.zstd.parquet"),
                    s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList());
        }
    }
}
