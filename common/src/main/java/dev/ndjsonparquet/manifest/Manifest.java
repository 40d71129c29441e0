package dev.ndjsonparquet.manifest;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * The manifest: the unit of work the builder writes, the dispatcher schedules and the Spark
 * application converts. The field-by-field contract is in {@code docs/manifest.md}.
 *
 * @param version    format version; only {@link #CURRENT_VERSION} is understood
 * @param manifestId deterministic, DNS-safe id derived from the files (see {@link ManifestIds})
 * @param createdAt  when the builder closed the batch
 * @param files      the input files, at least one, no duplicates
 * @param totalBytes the sum of the files' sizes
 * @param output     the table root the Parquet goes to
 * @param schema     optional URI of a schema file (Spark DDL, or Spark's JSON schema form); null to infer
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(
        int version,
        String manifestId,
        Instant createdAt,
        List<ManifestFile> files,
        long totalBytes,
        String output,
        String schema) {

    public static final int CURRENT_VERSION = 1;

    public Manifest {
        files = files == null ? null : List.copyOf(files);
    }

    /** A version-1 manifest whose id and total are derived from its files. */
    public static Manifest of(Instant createdAt, List<ManifestFile> files, String output, String schema) {
        long total = files.stream().mapToLong(ManifestFile::size).sum();
        return new Manifest(CURRENT_VERSION, ManifestIds.fromFiles(files), createdAt, files, total, output, schema);
    }

    public int fileCount() {
        return files == null ? 0 : files.size();
    }
}
