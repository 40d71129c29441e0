package dev.ndjsonparquet.spark.read;

import java.util.ArrayList;
import java.util.List;

/** Cuts a manifest's readable files into splits: compressed files whole, the others in ranges of splitBytes. */
public final class SplitPlanner {

    private SplitPlanner() {
    }

    /** A file the planner is given: its index in the manifest, URI and actual size. */
    public record PlannedFile(int fileIndex, String uri, long size) {
    }

    public static List<FileSplitRange> plan(List<PlannedFile> files, long splitBytes) {
        if (splitBytes <= 0) {
            throw new IllegalArgumentException("split size must be positive");
        }
        List<FileSplitRange> splits = new ArrayList<>();
        for (PlannedFile f : files) {
            boolean compressed = Decompression.isCompressed(f.uri());
            if (compressed || f.size() <= splitBytes) {
                splits.add(new FileSplitRange(splits.size(), f.fileIndex(), 0, f.uri(), 0, f.size(), compressed));
                continue;
            }
            int part = 0;
            for (long start = 0; start < f.size(); start += splitBytes) {
                long end = Math.min(f.size(), start + splitBytes);
                splits.add(new FileSplitRange(splits.size(), f.fileIndex(), part++, f.uri(), start, end, false));
            }
        }
        return splits;
    }
}
