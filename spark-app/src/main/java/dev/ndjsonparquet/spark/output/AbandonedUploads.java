package dev.ndjsonparquet.spark.output;

import java.io.IOException;
import java.util.Collection;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.s3a.S3AFileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * Multipart uploads an earlier attempt of a manifest left pending under the manifest's own output directories: a
 * driver killed (stopped by the dispatcher, lost with its node, past its run-time limit) leaves the S3A magic
 * committer's uploads uncompleted, invisible to readers but billed as storage until aborted. A new attempt aborts
 * them before it writes anything, so they cannot outlive the next attempt. What the last attempt of a dead-lettered
 * manifest leaves is aborted by its redrive or by the bucket's {@code AbortIncompleteMultipartUpload} lifecycle rule
 * (README, install step 1). Only S3A has uploads; other file systems have nothing to abort.
 */
public final class AbandonedUploads {

    private static final Logger LOG = LoggerFactory.getLogger(AbandonedUploads.class);

    private AbandonedUploads() {
    }

    /** Aborts every pending upload under each directory; returns how many were aborted. */
    public static int abortUnder(Configuration conf, Collection<String> directories) throws IOException {
        int aborted = 0;
        for (String dir : directories) {
            if (!(new Path(dir).getFileSystem(conf) instanceof S3AFileSystem s3a)) {
                continue;
            }
            // The key prefix of the directory's contents: "dir/" so that "manifest_id=m-1" never matches "m-10".
            String prefix = s3a.pathToKey(s3a.makeQualified(new Path(dir))) + "/";
            RemoteIterator<MultipartUpload> uploads = s3a.listUploads(prefix);
            while (uploads.hasNext()) {
                MultipartUpload u = uploads.next();
                s3a.abortMultipartUpload(u);
                aborted++;
                LOG.info("aborted multipart upload {} of {} (initiated {}), left by an earlier attempt", u.uploadId(), u.key(),
                        u.initiated());
            }
        }
        return aborted;
    }
}
