package dev.ndjsonparquet.spark.table;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the run directories of a manifest that its committed snapshot does not reference: files of killed or
 * retried runs. Safe only once the manifest is committed: from then on no run of the manifest can commit (the
 * append is refused as a second one), so no other run's files will ever be referenced. Best effort: what is
 * left is unreferenced and found by an orphan-file clean-up (docs/iceberg.md).
 */
final class EarlierRuns {

    private static final Logger LOG = LoggerFactory.getLogger(EarlierRuns.class);

    private EarlierRuns() {
    }

    /** The {@code run=...} directory names the snapshot's added files live in. */
    static Set<String> referencedRuns(Table table, Snapshot committed) {
        Set<String> runs = new HashSet<>();
        for (DataFile f : committed.addedDataFiles(table.io())) {
            for (String segment : f.location().split("/")) {
                if (segment.startsWith("run=")) {
                    runs.add(segment);
                }
            }
        }
        return runs;
    }

    /** Deletes {@code <manifestDir>/run=*} directories other than {@code keep}; returns how many. */
    static int remove(Configuration conf, String manifestDir, Set<String> keep) {
        int removed = 0;
        try {
            Path dir = new Path(manifestDir);
            FileSystem fs = dir.getFileSystem(conf);
            if (!fs.exists(dir)) {
                return 0;
            }
            for (FileStatus st : fs.listStatus(dir)) {
                String name = st.getPath().getName();
                if (st.isDirectory() && name.startsWith("run=") && !keep.contains(name)) {
                    fs.delete(st.getPath(), true);
                    removed++;
                }
            }
        } catch (IOException e) {
            LOG.warn("could not remove earlier runs under {} (they stay unreferenced): {}", manifestDir, e.toString());
        }
        return removed;
    }
}
