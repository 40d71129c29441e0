package dev.ndjsonparquet.spark.read;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * An error of the storage itself (network, permissions, a store client's unchecked exception), as opposed to a
 * file that is corrupt: the first fails the task so Spark retries it, the second quarantines the file. The raw
 * stream's errors are tagged with it before a decompressor sees them, so that whatever the decompressor makes of
 * them (rethrown, wrapped) they are still told apart.
 */
public final class SourceReadException extends IOException {

    private static final long serialVersionUID = 1L;

    SourceReadException(Exception cause) {
        super(cause.getMessage(), cause);
    }

    /** Whether the error, or one of its causes, is a storage error tagged by {@link #guard}. */
    public static boolean in(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SourceReadException) {
                return true;
            }
        }
        return false;
    }

    /** Tags every error of the raw stream, so that a decompressor's own errors can be told apart. */
    public static InputStream guard(InputStream raw) {
        return new FilterInputStream(raw) {
            @Override
            public int read() throws IOException {
                try {
                    return super.read();
                } catch (IOException | RuntimeException e) {
                    throw new SourceReadException(e);
                }
            }

            @Override
            public long skip(long n) throws IOException {
                try {
                    return super.skip(n);
                } catch (IOException | RuntimeException e) {
                    throw new SourceReadException(e);
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return super.read(b, off, len);
                } catch (IOException | RuntimeException e) {
                    throw new SourceReadException(e);
                }
            }
        };
    }
}
