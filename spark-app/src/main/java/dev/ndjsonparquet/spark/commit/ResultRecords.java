package dev.ndjsonparquet.spark.commit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.UUID;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FSDataOutputStreamBuilder;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.s3a.RemoteFileChangedException;

/**
 * Writes a manifest's result record once: of two runs that reach it, one record wins and the other
 * run learns that it lost. On S3 a conditional PUT ({@code If-None-Match: *}, S3A's
 * {@code fs.option.create.conditional.overwrite}); on a local file system the record is written
 * beside and hard-linked into place, which fails when the name exists; elsewhere a rename, which
 * does not replace an existing file on HDFS. A reader never sees half a record.
 */
public final class ResultRecords {

    private ResultRecords() {
    }

    /**
     * True when this call created the record (or an earlier try of this same call did, and its
     * response was lost: the stored bytes are these bytes); false when another run's record is there.
     */
    public static boolean createOnce(FileSystem fs, Path target, byte[] record) throws IOException {
        String scheme = fs.getUri().getScheme();
        if ("s3a".equals(scheme)) {
            return putIfAbsent(fs, target, record);
        }
        if ("file".equals(scheme)) {
            return linkIfAbsent(fs, target, record);
        }
        Path tmp = new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
        try (OutputStream out = fs.create(tmp, false)) {
            out.write(record);
        }
        if (fs.rename(tmp, target)) {
            return true;
        }
        fs.delete(tmp, false);
        return holds(fs, target, record);
    }

    private static boolean putIfAbsent(FileSystem fs, Path target, byte[] record) throws IOException {
        try {
            FSDataOutputStreamBuilder<?, ?> builder = fs.createFile(target).create();
            builder.must(Options.CreateFileOptionKeys.FS_OPTION_CREATE_CONDITIONAL_OVERWRITE, true);
            FSDataOutputStream out = builder.build();
            try (out) {
                out.write(record);
            }
            return true;
        } catch (RemoteFileChangedException | org.apache.hadoop.fs.FileAlreadyExistsException e) {
            return holds(fs, target, record);
        }
    }

    private static boolean linkIfAbsent(FileSystem fs, Path target, byte[] record) throws IOException {
        java.nio.file.Path file = java.nio.file.Path.of(fs.makeQualified(target).toUri());
        Files.createDirectories(file.getParent());
        java.nio.file.Path tmp = file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
        Files.write(tmp, record);
        try {
            Files.createLink(file, tmp);
            return true;
        } catch (FileAlreadyExistsException e) {
            return Arrays.equals(Files.readAllBytes(file), record);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static boolean holds(FileSystem fs, Path target, byte[] record) throws IOException {
        try (InputStream in = fs.open(target)) {
            return Arrays.equals(in.readAllBytes(), record);
        }
    }
}
