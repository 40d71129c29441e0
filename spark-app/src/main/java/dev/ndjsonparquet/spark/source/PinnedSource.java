package dev.ndjsonparquet.spark.source;

import java.io.FileNotFoundException;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.EtagSource;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.s3a.RemoteFileChangedException;
import org.apache.hadoop.fs.s3a.S3AFileStatus;
import org.apache.hadoop.util.functional.FutureIO;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * Opens an input file at the version its manifest was planned against.
 *
 * <p>On S3A the task first compares the object's current ETag with the pinned one (one HEAD per split;
 * a changed object is reported at once), then opens it with {@code openFile()} and an
 * {@link S3AFileStatus} carrying the pinned ETag (and version id): S3A's input streams (classic and the
 * analytics accelerator, Hadoop 3.5's default) then send every GET with {@code If-Match: <etag>}
 * ({@code fs.s3a.change.detection.mode=server}, the default), so an object replaced after the check
 * fails with HTTP 412 instead of being read. On other file systems (local files for {@code convert} and the tests) length and
 * modification time stand in for the ETag, compared when the split is opened.
 */
public final class PinnedSource {

    private static final int PRECONDITION_FAILED = 412;

    private static String unquoted(String etag) {
        return etag.replace("\"", "");
    }

    private PinnedSource() {
    }

    /** The stream of the path, pinned when the configuration carries a pin for it. */
    public static FSDataInputStream open(Path path, Configuration conf) throws IOException {
        return open(path, conf, SourcePin.find(conf, path.toString()));
    }

    /** The stream of the path pinned to {@code pin}; a plain open when the pin is null. */
    public static FSDataInputStream open(Path path, Configuration conf, SourcePin pin) throws IOException {
        FileSystem fs = path.getFileSystem(conf);
        if (pin == null) {
            return plainOpen(fs, path);
        }
        FileStatus now;
        try {
            now = fs.getFileStatus(path);
        } catch (FileNotFoundException e) {
            throw new SourceChangedException("file deleted after the manifest was planned", e);
        }
        String etagNow = now instanceof EtagSource es ? es.getEtag() : null;
        if (pin.etag() != null && etagNow != null) {
            if (!unquoted(etagNow).equals(unquoted(pin.etag()))) {
                throw new SourceChangedException("its ETag is now " + etagNow + ", the manifest says " + pin.etag());
            }
            // The status check is cheap and catches nearly every change; the pinned open closes the gap
            // between it and the reads (If-Match on every GET: the last bytes come from the same version).
            // Manifests may hold the ETag unquoted; S3 returns it quoted, as an HTTP entity tag, and so it is sent.
            S3AFileStatus status = new S3AFileStatus(pin.length(), pin.modificationTime(), fs.makeQualified(path),
                    fs.getDefaultBlockSize(path), "", "\"" + unquoted(pin.etag()) + "\"", pin.versionId());
            return FutureIO.awaitFuture(fs.openFile(path).withFileStatus(status).build());
        }
        if (now.getLen() != pin.length() || now.getModificationTime() != pin.modificationTime()) {
            throw new SourceChangedException("file changed after the manifest was planned (" + pin.length()
                    + " bytes modified at " + pin.modificationTime() + ", now " + now.getLen() + " bytes modified at "
                    + now.getModificationTime() + ")");
        }
        return plainOpen(fs, path);
    }

    /** Local inputs carry no .crc files: read them without the checksumming layer. */
    private static FSDataInputStream plainOpen(FileSystem fs, Path path) throws IOException {
        return fs instanceof org.apache.hadoop.fs.LocalFileSystem local ? local.getRawFileSystem().open(path) : fs.open(path);
    }

    /**
     * The quarantine reason when the error (or one of its causes) says the file changed or vanished
     * since planning; otherwise rethrows it, for the task to fail and be retried.
     */
    public static <E extends Exception> String reasonOrRethrow(E error) throws E {
        String reason = changeReason(error);
        if (reason == null) {
            throw error;
        }
        return reason;
    }

    /** The quarantine reason when the error (or one of its causes) says the file changed or vanished; else null. */
    public static String changeReason(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SourceChangedException c) {
                return "object changed while converting: " + c.getMessage();
            }
            if (t instanceof RemoteFileChangedException
                    || t instanceof SdkServiceException s && s.statusCode() == PRECONDITION_FAILED) {
                return "object changed while converting: a read pinned to the manifest's ETag was refused"
                        + " (the object was overwritten after the manifest was planned)";
            }
            if (t instanceof FileNotFoundException) {
                return "object deleted while converting: " + t.getMessage();
            }
        }
        return null;
    }
}
