package dev.ndjsonparquet.spark.read;

import dev.ndjsonparquet.spark.source.PinnedSource;
import dev.ndjsonparquet.spark.source.SourceChangedException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;

/**
 * The non-blank lines of one split, as both write paths read them: the file opened pinned to the planned
 * version, decompressed when compressed, lines cut at the split's end; blank lines skipped and counted,
 * line numbers kept. A file that changed since planning, or a compressed file found corrupt, ends the
 * split with a quarantine reason instead of an error; an error of the storage itself is thrown (the task
 * fails, Spark retries it), whatever the decompressor made of it ({@link #quarantineOrRethrow}).
 */
public final class SplitLines implements Closeable {

    private final FileSplitRange split;
    private final int maxLineBytes;
    private InputStream in;
    private NdjsonLineReader reader;
    private long physical;
    private long nonBlank;
    private String quarantine;

    private SplitLines(FileSplitRange split, int maxLineBytes) {
        this.split = split;
        this.maxLineBytes = maxLineBytes;
    }

    /** Opens the split; when its file cannot be read as planned the lines end at once with a quarantine reason. */
    public static SplitLines open(FileSplitRange split, Configuration conf, int maxLineBytes) throws IOException {
        SplitLines lines = new SplitLines(split, maxLineBytes);
        lines.open(conf);
        return lines;
    }

    private void open(Configuration conf) throws IOException {
        FSDataInputStream raw;
        try {
            raw = split.pin() != null // the planned version, or a quarantine
                    ? PinnedSource.open(HadoopPaths.of(split.uri()), conf, split.pin())
                    : PinnedSource.open(HadoopPaths.of(split.uri()), conf);
        } catch (SourceChangedException e) {
            quarantine = PinnedSource.reasonOrRethrow(e);
            return;
        }
        long seekTo = split.start() > 0 ? split.start() - 1 : 0;
        if (seekTo > 0) {
            raw.seek(seekTo);
        }
        InputStream guarded = SourceReadException.guard(raw);
        try {
            in = split.compressed() ? Decompression.open(split.uri(), guarded) : guarded;
            reader = new NdjsonLineReader(in, split.start(), split.compressed() ? Long.MAX_VALUE : split.end(), maxLineBytes);
        } catch (IOException | RuntimeException e) {
            raw.close();
            in = null;
            reader = null;
            quarantine = quarantineOrRethrow(e);
        }
    }

    /**
     * What an error while reading means. The file changed or vanished since planning: quarantined (a retry would
     * meet the same). An error of the storage ({@link SourceReadException}, however a decompressor wrapped it):
     * thrown, the task fails and Spark retries it (a network blip must not quarantine a good file). Anything else
     * on a compressed file is the decompressor finding the data corrupt: quarantined. On a plain file nothing but
     * the storage reads the bytes, so any other error is thrown too.
     */
    private String quarantineOrRethrow(Exception e) throws IOException {
        String changed = PinnedSource.changeReason(e);
        if (changed != null) {
            return changed;
        }
        if (SourceReadException.in(e) || !split.compressed()) {
            if (e instanceof IOException io) {
                throw io;
            }
            throw (RuntimeException) e;
        }
        return Decompression.corruptionReason(e);
    }

    /**
     * Moves to the next non-blank line (a line too long to hold counts as non-blank); false at the end of the
     * split or when the file turned out unreadable ({@link #quarantineReason()}).
     */
    public boolean next() throws IOException {
        while (reader != null) {
            boolean more;
            try {
                more = reader.next();
            } catch (IOException | RuntimeException e) {
                quarantine = quarantineOrRethrow(e);
                return end();
            }
            if (!more) {
                return end();
            }
            physical++;
            if (!reader.lineTooLong() && NdjsonLineReader.isBlank(reader.lineBuffer(), reader.lineOffset(), reader.lineLength())) {
                continue;
            }
            nonBlank++;
            return true;
        }
        return false;
    }

    private boolean end() {
        reader = null;
        return false;
    }

    public byte[] buffer() {
        return reader.lineBuffer();
    }

    public int offset() {
        return reader.lineOffset();
    }

    /** The bytes held of the line (at most the maximum line size). */
    public int length() {
        return reader.lineLength();
    }

    /** The line exceeds the maximum line size: it is a bad record, with {@link #tooLongReason()}. */
    public boolean tooLong() {
        return reader.lineTooLong();
    }

    public long fullLength() {
        return reader.lineFullLength();
    }

    public String tooLongReason() {
        return "line longer than " + maxLineBytes + " bytes (" + reader.lineFullLength() + ")";
    }

    /** Byte offset of the line in the (decompressed) file. */
    public long lineStart() {
        return reader.lineStart();
    }

    /** Lines read so far, blank ones included: the current line's number within the split. */
    public long physicalLines() {
        return physical;
    }

    /** Lines that became (or are about to become) a row or a bad record. */
    public long nonBlankLines() {
        return nonBlank;
    }

    /** Why the split's file could not be read to the end as planned, or null. */
    public String quarantineReason() {
        return quarantine;
    }

    @Override
    public void close() throws IOException {
        reader = null;
        if (in != null) {
            InputStream s = in;
            in = null;
            s.close();
        }
    }
}
