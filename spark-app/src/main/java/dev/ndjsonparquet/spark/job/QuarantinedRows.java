package dev.ndjsonparquet.spark.job;

import dev.ndjsonparquet.spark.read.FileSplitRange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the rows a run committed for files it then quarantined (a file that changed, or a compressed file found
 * corrupt, after some of its splits were converted): the Parquet files whose name carries the split's partition id
 * and this run's job id, {@code part-<partition>-<job id>...}. The job id keeps a stale driver's removal to its own
 * files: by partition id alone it matched any run's, a newer attempt's committed rows included.
 */
final class QuarantinedRows {

    private static final Logger LOG = LoggerFactory.getLogger(QuarantinedRows.class);

    private QuarantinedRows() {
    }

    /**
     * @param job the id of the job that committed the rows; null when the commit protocol named none (a protocol
     *            without a fenced form), then files are matched by partition id only, with a warning
     */
    static void remove(Configuration conf, String dataRoot, List<FileSplitRange> splits, Map<Integer, String> quarantined,
                       String job) throws IOException {
        List<String> prefixes = splits.stream().filter(s -> quarantined.containsKey(s.fileIndex()))
                .map(s -> String.format("part-%05d-", s.index()) + (job == null ? "" : job)).toList();
        if (prefixes.isEmpty()) {
            return;
        }
        if (job == null) {
            LOG.warn("the commit protocol named no job id: removing the rows of quarantined files by partition id only");
        }
        Path root = new Path(dataRoot);
        FileSystem fs = root.getFileSystem(conf);
        if (!fs.exists(root)) {
            return;
        }
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
        List<Path> doomed = new ArrayList<>();
        while (it.hasNext()) {
            Path p = it.next().getPath();
            if (prefixes.stream().anyMatch(p.getName()::startsWith)) {
                doomed.add(p);
            }
        }
        for (Path p : doomed) {
            fs.delete(p, false);
        }
    }
}
