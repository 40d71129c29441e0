package dev.ndjsonparquet.spark.write;

import java.io.Serializable;

/**
 * What one task saw in its split. Reported through an accumulator, so only the attempt that
 * succeeded counts.
 *
 * @param physicalLines    every line, blank or not (for line numbers of later splits)
 * @param nonBlankLines    lines that became a row or a bad record
 * @param rows             rows handed to the Parquet writer
 * @param rescuedRows      rows with a non-null {@code _rescued_data}
 * @param badRecords       bad records written to {@code badFile}
 * @param badFile          the staging file of this attempt's bad records, or null
 * @param quarantineReason why the file could not be read (its rows are then removed), or null
 * @param failures         lines the converter threw on, written as bad records by the last-resort guard
 */
public record SplitStats(int splitIndex, int fileIndex, long physicalLines, long nonBlankLines, long rows,
                         long rescuedRows, long badRecords, long bytesRead, String badFile,
                         String quarantineReason, LineFailures failures) implements Serializable {
}
