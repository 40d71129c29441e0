package dev.ndjsonparquet.conversion;

/**
 * What a manifest's new fields do to the schema it is written with (and to the Iceberg table), after Databricks
 * Auto Loader's {@code cloudFiles.schemaEvolutionMode}. docs/iceberg.md has the table of each mode and change.
 */
public enum SchemaEvolution {
    /** Fields the schema (or the table) lacks become columns, at any depth; types stay as they are. */
    ADD_NEW_COLUMNS,
    /** As {@link #ADD_NEW_COLUMNS}, and int to long, float to double, decimal precision are widened. */
    ADD_NEW_COLUMNS_WITH_TYPE_WIDENING,
    /** The declared schema (or the table's) is written; other fields go to {@code _rescued_data}. */
    RESCUE,
    /** As {@link #RESCUE}, but a manifest whose sample holds fields the schema lacks stops with their names. */
    FAIL_ON_NEW_COLUMNS,
    /** The table's schema never changes once created; anything else goes to {@code _rescued_data}. */
    NONE;

    /** Whether the input is sampled for fields the schema lacks even when a schema is given. */
    public boolean observesInput() {
        return this != RESCUE && this != NONE;
    }
}
