package dev.ndjsonparquet.spark.read;

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
 */
public record FileSplitRange(int index, int fileIndex, int splitOfFile, String uri, long start, long end,
                         boolean compressed) implements Serializable {
}
