package dev.ndjsonparquet.spark.job;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * The Parquet files under a directory as a reader sees them: how many, their bytes, and the rows their footers hold.
 * Paths with a part that starts with {@code _} or {@code .} below the directory are skipped, as Spark, Hive and
 * DuckDB's hive partitioning skip them (a committer's {@code _temporary} or {@code __magic} work files of a job
 * still running are not output).
 */
record OutputFiles(int count, long bytes, long rows) {

    static OutputFiles scan(Configuration conf, String dir) {
        try {
            Path root = new Path(dir);
            FileSystem fs = root.getFileSystem(conf);
            if (!fs.exists(root)) {
                return new OutputFiles(0, 0, 0);
            }
            String rootPath = fs.makeQualified(root).toUri().getPath();
            int count = 0;
            long bytes = 0;
            long rows = 0;
            RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
            while (it.hasNext()) {
                LocatedFileStatus st = it.next();
                if (!st.getPath().getName().endsWith(".parquet") || hidden(st.getPath().toUri().getPath(), rootPath)) {
                    continue;
                }
                count++;
                bytes += st.getLen();
                try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromStatus(st, conf))) {
                    rows += r.getRecordCount();
                }
            }
            return new OutputFiles(count, bytes, rows);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static boolean hidden(String path, String root) {
        String below = path.startsWith(root) ? path.substring(root.length()) : path;
        for (String part : below.split("/")) {
            if (part.startsWith("_") || part.startsWith(".")) {
                return true;
            }
        }
        return false;
    }
}
