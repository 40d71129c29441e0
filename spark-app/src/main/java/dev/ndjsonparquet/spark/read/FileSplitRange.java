package dev.ndjsonparquet.spark.read;

import dev.ndjsonparquet.spark.source.SourcePin;
import java.io.Serializable;

/**
 * A byte range of one input file that one Spark task converts. A line belongs to the split in which
 * its first byte lies. Compressed files are never split ({@code start == 0}, {@code end == size}).
 *
 * @param index      position of this split in the whole manifest (= the Spark partition id)
 * @param fileIndex  position of the file in the manifest
 * @param splitOfFile position of this split within its file
 * @param uri        the file, as a Hadoop path string
 * @param start      first byte (inclusive)
 * @param end        last byte (exclusive); for compressed files the file size
 * @param compressed true when the file is read through a decompressor
 * @param pin        the version of the file planned against, which the task opens; null for a plain open.
 *                   Each split carries its own file's pin, so a task's payload does not grow with the
 *                   number of files in the manifest (the pins used to travel in the job's Hadoop configuration)
 */
public record FileSplitRange(int index, int fileIndex, int splitOfFile, String uri, long start, long end,
                         boolean compressed, SourcePin pin) implements Serializable {

    /** A split without a pin (opened as the path is now). */
    public FileSplitRange(int index, int fileIndex, int splitOfFile, String uri, long start, long end, boolean compressed) {
        this(index, fileIndex, splitOfFile, uri, start, end, compressed, null);
    }

    /** This split pinned to {@code p}. */
    public FileSplitRange withPin(SourcePin p) {
        return new FileSplitRange(index, fileIndex, splitOfFile, uri, start, end, compressed, p);
    }
}
