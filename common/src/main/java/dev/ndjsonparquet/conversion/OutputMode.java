package dev.ndjsonparquet.conversion;

/**
 * How a manifest's rows become visible (setting {@code output-mode}).
 * <ul>
 *   <li>{@code PARQUET}: plain Parquet under the table root, one {@code manifest_id=} directory per manifest;
 *       a manifest's rows are complete once {@code _results/<id>.json} exists.</li>
 *   <li>{@code ICEBERG}: the same Parquet files, committed as one Apache Iceberg append per manifest;
 *       readers of the table see all of a manifest's rows or none.</li>
 * </ul>
 */
public enum OutputMode { PARQUET, ICEBERG }
