package dev.ndjsonparquet.conversion;

/**
 * The Iceberg catalog that holds the tables (setting {@code iceberg-catalog-type}).
 * <ul>
 *   <li>{@code JDBC}: Iceberg's JDBC catalog on a local SQLite file: {@code convert}, {@code demo}, tests.</li>
 *   <li>{@code HADOOP}: metadata files only, no database; safe only on a file system with atomic rename
 *       (a local or HDFS warehouse, never S3).</li>
 *   <li>{@code GLUE}: the AWS Glue Data Catalog (Athena, EMR, Glue and Redshift read the tables).</li>
 *   <li>{@code REST}: an Iceberg REST catalog, including Amazon S3 Tables and Glue's REST endpoint (SigV4).</li>
 * </ul>
 */
public enum IcebergCatalogType { JDBC, HADOOP, GLUE, REST }
