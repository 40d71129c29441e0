package dev.ndjsonparquet.spark.output;

import com.fasterxml.jackson.annotation.JsonInclude;
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
 * with their reason, not counted). {@code internalErrors} of the bad records are lines the converter threw on (a
 * defect of this engine, kept by its last-resort guard with reason {@code internal error: ...}); 0 is normal.
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
        IcebergCommit iceberg,
        Usage usage,
        long internalErrors,
        Capacity capacity) {

    /** A result of the plain Parquet mode (no Iceberg commit). */
    public ConversionResult(String manifestId, Instant startedAt, Instant finishedAt, int files, int filesConverted,
                            List<QuarantinedFile> quarantinedFiles, long linesRead, long blankLines, long rowsWritten,
                            long rowsWithRescuedData, long badRecords, long bytesIn, long bytesOut, int outputFiles,
                            String schemaSource, Durations durationsMs, String dataLocation, String badRecordsLocation) {
        this(manifestId, startedAt, finishedAt, files, filesConverted, quarantinedFiles, linesRead, blankLines,
                rowsWritten, rowsWithRescuedData, badRecords, bytesIn, bytesOut, outputFiles, schemaSource, durationsMs,
                dataLocation, badRecordsLocation, null, null, 0, null);
    }

    /**
     * How long this run waited for its executors and how many executor-seconds they ran, as its driver measured them from
     * Spark's own events ({@code ExecutorTimeline}): the time in which fewer executors were registered than it asked
     * for, from its context's start to this record (a spot shortage stretches it; a few seconds of pod start-up are in
     * it even without one), and its executors' registration to removal. The run that wrote the record measured it, so a
     * restarted dispatcher or an earlier attempt changes nothing in it; earlier attempts' waits, the driver's own wait
     * for a node are the dispatcher's (its metrics, from the pods and nodes). On Kubernetes the executor-seconds are also
     * split into spot, on-demand and unknown ({@link ByCapacityType}, from this run's executor pods and their nodes);
     * without Kubernetes the split is left out. Absent in the {@code convert} command.
     */
    public record Capacity(int executorsRequested, int executorsRegistered, double executorWaitSeconds, double executorSeconds,
                           @JsonInclude(JsonInclude.Include.NON_NULL) ByCapacityType executorSecondsByCapacityType) {

        /** The figures without the split by capacity type (Spark's local mode, or before the nodes were read). */
        public Capacity(int executorsRequested, int executorsRegistered, double executorWaitSeconds, double executorSeconds) {
            this(executorsRequested, executorsRegistered, executorWaitSeconds, executorSeconds, null);
        }
    }

    /**
     * The executor-seconds split by how the node each executor ran on is bought ({@code CapacityType}): the driver reads
     * its executor pods' nodes when it writes the record (on Kubernetes only). An executor whose pod or node is gone by
     * then, or whose node may not be read (no {@code nodes get}: {@code scheduling.overflow} is {@code never}), counts as
     * {@code unknown}; the three add up to {@code executorSeconds}.
     */
    public record ByCapacityType(double spot, double onDemand, double unknown) {
    }

    /** This result with the run's capacity figures. */
    public ConversionResult withCapacity(Capacity c) {
        return new ConversionResult(manifestId, startedAt, finishedAt, files, filesConverted, quarantinedFiles, linesRead,
                blankLines, rowsWritten, rowsWithRescuedData, badRecords, bytesIn, bytesOut, outputFiles, schemaSource,
                durationsMs, dataLocation, badRecordsLocation, iceberg, usage, internalErrors, c);
    }

    /**
     * What the manifest's run used: executor cores held (Spark's parallelism: the cores of its registered
     * executors) times the run's wall time, the tasks' own run time, and the cost of the held cores at
     * {@code executor-core-hour-price-usd}, also per TB of input. Drivers and start-up are not counted.
     */
    public record Usage(double executorCoreSeconds, double taskSeconds, double costEstimateUsd, double costPerTbUsd) {
        public static Usage of(int executorCores, long wallMillis, long taskMillis, long bytesIn, double coreHourPriceUsd) {
            double coreSeconds = executorCores * wallMillis / 1000.0;
            double cost = coreSeconds / 3600.0 * coreHourPriceUsd;
            return new Usage(coreSeconds, taskMillis / 1000.0, cost, bytesIn <= 0 ? 0 : cost / (bytesIn / 1e12));
        }
    }

    /** This result with what its run used. */
    public ConversionResult withUsage(Usage u) {
        return new ConversionResult(manifestId, startedAt, finishedAt, files, filesConverted, quarantinedFiles, linesRead,
                blankLines, rowsWritten, rowsWithRescuedData, badRecords, bytesIn, bytesOut, outputFiles, schemaSource,
                durationsMs, dataLocation, badRecordsLocation, iceberg, u, internalErrors, capacity);
    }

    /**
     * Output mode Iceberg: the snapshots that made this manifest's rows (and bad records) visible.
     * {@code badRecordsSnapshotId} is null when the manifest had no bad records.
     */
    public record IcebergCommit(String table, long snapshotId, String badRecordsTable, Long badRecordsSnapshotId) {
    }

    /** This result counting {@code n} lines kept as bad records by the converter's last-resort guard. */
    public ConversionResult withInternalErrors(long n) {
        return new ConversionResult(manifestId, startedAt, finishedAt, files, filesConverted, quarantinedFiles, linesRead,
                blankLines, rowsWritten, rowsWithRescuedData, badRecords, bytesIn, bytesOut, outputFiles, schemaSource,
                durationsMs, dataLocation, badRecordsLocation, iceberg, usage, n, capacity);
    }

    /** This result naming the Iceberg snapshots that committed it. */
    public ConversionResult withIceberg(IcebergCommit commit) {
        return new ConversionResult(manifestId, startedAt, finishedAt, files, filesConverted, quarantinedFiles, linesRead,
                blankLines, rowsWritten, rowsWithRescuedData, badRecords, bytesIn, bytesOut, outputFiles, schemaSource,
                durationsMs, dataLocation, badRecordsLocation, commit, usage, internalErrors, capacity);
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
