package dev.ndjsonparquet.conversion;

/** How the Spark application writes Parquet. */
public enum WriterEngine {
    /** Lines parsed straight into column buffers and written as Parquet column chunks (the default). */
    COLUMNAR,
    /** Rows through Spark's DataFrame writer: the reference the columnar path is tested against. */
    SPARK
}
