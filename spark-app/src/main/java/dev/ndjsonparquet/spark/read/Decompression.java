package dev.ndjsonparquet.spark.read;

import com.github.luben.zstd.ZstdInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;

/** Chooses a decompressor by file extension: {@code .gz}, {@code .bz2}, {@code .zst}; anything else is plain text. */
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
            return new GZIPInputStream(raw, BUFFER);
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
