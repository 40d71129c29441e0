package dev.ndjsonparquet.spark.read;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * An I/O error of the storage itself (network, permissions), as opposed to a file that is corrupt:
 * the first fails the task so Spark retries it, the second quarantines the file.
 */
public final class SourceReadException extends IOException {

    private static final long serialVersionUID = 1L;

    SourceReadException(IOException cause) {
        super(cause.getMessage(), cause);
    }

    /** Tags every I/O error of the raw stream, so that a decompressor's own errors can be told apart. */
    public static InputStream guard(InputStream raw) {
        return new FilterInputStream(raw) {
            @Override
            public int read() throws IOException {
                try {
                    return super.read();
                } catch (IOException e) {
                    throw new SourceReadException(e);
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return super.read(b, off, len);
                } catch (IOException e) {
                    throw new SourceReadException(e);
                }
            }
        };
    }
}
