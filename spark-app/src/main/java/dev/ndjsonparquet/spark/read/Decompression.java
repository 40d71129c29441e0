package dev.ndjsonparquet.spark.read;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Chooses a decompressor by file extension: {@code .gz}, {@code .bz2}, {@code .zst}; anything else is plain text.
 *
 * <p>Gzip is read with commons-compress, every member to the end of the file, whatever the stream reports: Java 17's
 * {@code GZIPInputStream} looks for a next member only when the stream's {@code available()} is positive or enough
 * bytes remain in its buffer (JDK-7036144, fixed in JDK 23), and Hadoop 3.5's default S3A stream reports 0, so a
 * file of many members (bgzip, a log shipper writing a member per flush) ended early with no error (issue 19). It
 * also ignored anything after a member that was not a gzip header; here junk after a member, or a file cut inside
 * the next member's header, is an error: the file is quarantined as corrupt. An empty member (bgzip's end marker) is
 * fine.
 */
public final class Decompression {

    private static final int BUFFER = 1 << 16;

    private Decompression() {
    }

    public static boolean isCompressed(String uri) {
        String name = uri.toLowerCase(Locale.ROOT);
        return name.endsWith(".gz") || name.endsWith(".bz2") || name.endsWith(".zst");
    }

    /** Wraps the raw stream; concatenated gzip and bzip2 members are read as one stream. */
    public static InputStream open(String uri, InputStream raw) throws IOException {
        String name = uri.toLowerCase(Locale.ROOT);
        if (name.endsWith(".gz")) {
            // Buffered here (it needs mark/reset between members): 64 KiB reads from the store, not 8 KiB ones.
            return new GzipCompressorInputStream(new BufferedInputStream(raw, BUFFER), true);
        }
        if (name.endsWith(".bz2")) {
            return new BZip2CompressorInputStream(raw, true);
        }
        if (name.endsWith(".zst")) {
            return new ZstdInputStream(raw);
        }
        return raw;
    }

    /** The quarantine reason of a compressed file that could not be read to its end. */
    public static String corruptionReason(Throwable e) {
        String m = e.getMessage();
        return "corrupt or truncated compressed file: " + e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
