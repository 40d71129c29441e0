package dev.ndjsonparquet.conversion;

/** What happens to a value that does not fit the schema (wrong type, unknown field, out of range). */
public enum SchemaMismatch {
    /** The row is kept, the value goes to the {@code _rescued_data} column under its path. */
    RESCUE,
    /** The whole line becomes a bad record that names the path and the expected type. */
    BAD_RECORD
}
