package dev.ndjsonparquet.tables;

/** The keys this project writes into snapshot summaries (read by the exactly-once check and by maintenance). */
public final class SnapshotSummaries {

    /** The manifest a snapshot appended: the exactly-once check looks for it. */
    public static final String MANIFEST_ID = "ndjson-parquet.manifest-id";
    /** What a maintenance commit did ({@code compaction}), so that its snapshots are told apart from appends. */
    public static final String MAINTENANCE = "ndjson-parquet.maintenance";

    private SnapshotSummaries() {
    }
}
