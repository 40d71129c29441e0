package dev.ndjsonparquet.spark.output;

import dev.ndjsonparquet.conversion.PartitionMode;
import dev.ndjsonparquet.manifest.AttemptMarkers;
import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.spark.read.HadoopPaths;
import java.time.ZoneOffset;

/**
 * Where one manifest's outputs go under the table root ({@code manifest.output}). Directories that
 * start with {@code _} are skipped by Spark, Hive and most readers of the table.
 *
 * @param dataRoot    the Parquet rows of this manifest (replaced as a whole by a retry)
 * @param badRecords  the bad records of this manifest, as Parquet
 * @param staging     scratch space of a run, deleted at the end
 * @param result      the result record, written last: its presence means the manifest is done
 */
public record OutputLayout(String dataRoot, String badRecords, String staging, String result) {

    public static OutputLayout of(Manifest m, PartitionMode mode) {
        // Hadoop path text: percent-escapes of the manifest URI decoded, s3:// read as s3a://.
        String root = HadoopPaths.of(m.output()).toString();
        root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
        String id = m.manifestId();
        String data = mode.kind() == PartitionMode.Kind.INGEST_DATE
                ? root + "/ingest_date=" + m.createdAt().atZone(ZoneOffset.UTC).toLocalDate() + "/manifest_id=" + id
                : root + "/manifest_id=" + id;
        return new OutputLayout(data,
                root + "/_bad_records/manifest_id=" + id,
                root + "/_staging/" + id,
                root + "/_results/" + id + ".json");
    }

    /** Where the drivers of this manifest leave their attempt markers (see {@code AttemptFence}). */
    public String attempts() {
        String results = result.substring(0, result.lastIndexOf('/'));
        String root = results.substring(0, results.lastIndexOf('/'));
        String file = result.substring(result.lastIndexOf('/') + 1);
        return root + "/" + AttemptMarkers.folder(file.substring(0, file.length() - ".json".length()));
    }
}
