package dev.ndjsonparquet.spark;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;

/**
 * The result record of one manifest, written last to {@code <output>/_results/<manifestId>.json}:
 * its presence means the manifest is done. Accounting: {@code linesRead = rowsWritten + badRecords},
 * where lines are the non-blank lines of the files that were converted (quarantined files are listed
 * with their reason, not counted).
 */
public record ConversionResult(
        String manifestId,
        Instant startedAt,
        Instant finishedAt,
        int files,
        int filesConverted,
        List<QuarantinedFile> quarantinedFiles,
        long linesRead,
        long blankLines,
        long rowsWritten,
        long rowsWithRescuedData,
        long badRecords,
        long bytesIn,
        long bytesOut,
        int outputFiles,
        String schemaSource,
        Durations durationsMs,
        String dataLocation,
        String badRecordsLocation,
        IcebergCommit iceberg) {

    /** A result of the plain Parquet mode (no Iceberg commit). */
    public ConversionResult(String manifestId, Instant startedAt, Instant finishedAt, int files, int filesConverted,
                            List<QuarantinedFile> quarantinedFiles, long linesRead, long blankLines, long rowsWritten,
                            long rowsWithRescuedData, long badRecords, long bytesIn, long bytesOut, int outputFiles,
                            String schemaSource, Durations durationsMs, String dataLocation, String badRecordsLocation) {
        this(manifestId, startedAt, finishedAt, files, filesConverted, quarantinedFiles, linesRead, blankLines,
                rowsWritten, rowsWithRescuedData, badRecords, bytesIn, bytesOut, outputFiles, schemaSource, durationsMs,
                dataLocation, badRecordsLocation, null);
    }

    /**
     * Output mode Iceberg: the snapshots that made this manifest's rows (and bad records) visible.
     * {@code badRecordsSnapshotId} is null when the manifest had no bad records.
     */
    public record IcebergCommit(String table, long snapshotId, String badRecordsTable, Long badRecordsSnapshotId) {
    }

    /** This result naming the Iceberg snapshots that committed it. */
    public ConversionResult withIceberg(IcebergCommit commit) {
        return new ConversionResult(manifestId, startedAt, finishedAt, files, filesConverted, quarantinedFiles, linesRead,
                blankLines, rowsWritten, rowsWithRescuedData, badRecords, bytesIn, bytesOut, outputFiles, schemaSource,
                durationsMs, dataLocation, badRecordsLocation, commit);
    }

    /** A file that could not be read, and why; its rows are not in the output. */
    public record QuarantinedFile(String path, String reason) {
    }

    /** Milliseconds spent planning (manifest, file checks, schema), converting, and finishing (bad records, checks). */
    public record Durations(long plan, long convert, long finish, long total) {
    }

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public byte[] toJson() {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ConversionResult fromJson(byte[] json) {
        try {
            return MAPPER.readValue(json, ConversionResult.class);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable result record", e);
        }
    }

    /** Input MB per second of wall time. */
    public double megabytesPerSecond() {
        double seconds = Math.max(1, durationsMs.convert() + durationsMs.finish()) / 1000.0;
        return bytesIn / 1e6 / seconds;
    }
}
