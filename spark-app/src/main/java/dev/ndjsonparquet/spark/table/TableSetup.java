package dev.ndjsonparquet.spark.table;

import dev.ndjsonparquet.tables.Commits;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.mapping.MappingUtil;
import org.apache.iceberg.mapping.NameMappingParser;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;

/**
 * Creates a table on first use and keeps it able to hold a manifest's files: new columns are added (never
 * changed: a column whose type differs stops the manifest), the partitioning must match the setting, and the
 * name mapping (Spark writes Parquet without field ids) covers every column. Safe when several drivers do it
 * at once: a lost race is retried on the table as it then is.
 */
public final class TableSetup {


    private TableSetup() {
    }

    /** The table, created or evolved to hold files of {@code wanted}'s columns. */
    public static Table ensure(Catalog catalog, TableIdentifier id, Schema wanted, PartitionSpec spec) {
        Table table = loadOrCreate(catalog, id, wanted, spec);
        checkPartitioning(table, spec);
        onConflictRetry(table, () -> {
            if (!covers(table.schema(), wanted)) {
                try {
                    // Adds missing columns, widens int to long and float to double, refuses any other change.
                    table.updateSchema().unionByNameWith(wanted).commit();
                } catch (IllegalArgumentException | ValidationException e) {
                    throw new IllegalStateException("the schema of this manifest does not fit table " + id + ": "
                            + e.getMessage() + " (a column may be added, not changed; use an explicit schema)", e);
                }
            }
            String mapping = NameMappingParser.toJson(MappingUtil.create(table.schema()));
            if (!mapping.equals(table.properties().get(TableProperties.DEFAULT_NAME_MAPPING))) {
                table.updateProperties().set(TableProperties.DEFAULT_NAME_MAPPING, mapping).commit();
            }
        });
        return table;
    }

    /** The table, created from {@code wanted} when missing (not evolved), with the partitioning checked. */
    public static Table open(Catalog catalog, TableIdentifier id, Schema wanted, PartitionSpec spec) {
        Table table = loadOrCreate(catalog, id, wanted, spec);
        checkPartitioning(table, spec);
        return table;
    }

    /**
     * The table's schema once it holds {@code wanted}'s columns, with the field ids Iceberg would give the new ones
     * on the table as it is now, not committed. The same as the table's schema when nothing changes.
     */
    public static Schema planned(Table table, Schema wanted) {
        if (covers(table.schema(), wanted)) {
            return table.schema();
        }
        try {
            return table.updateSchema().unionByNameWith(wanted).apply();
        } catch (IllegalArgumentException | ValidationException e) {
            throw new IllegalStateException("the schema of this manifest does not fit table " + table.name() + ": "
                    + e.getMessage() + " (a column may be added or widened, not changed)", e);
        }
    }

    /** Whether the table has every column of {@code wanted}, each leaf of the same primitive type. */
    static boolean covers(Schema table, Schema wanted) {
        for (String name : TypeUtil.indexByName(wanted.asStruct()).keySet()) {
            Type want = wanted.findType(name);
            Type have = table.findType(name);
            if (have == null || (want.isPrimitiveType() && !want.equals(have))) {
                return false;
            }
        }
        return true;
    }

    private static Table loadOrCreate(Catalog catalog, TableIdentifier id, Schema schema, PartitionSpec spec) {
        if (catalog.tableExists(id)) {
            return catalog.loadTable(id);
        }
        if (catalog instanceof SupportsNamespaces ns && !id.namespace().isEmpty() && !ns.namespaceExists(id.namespace())) {
            try {
                ns.createNamespace(id.namespace());
            } catch (RuntimeException e) {
                // Another driver created it meanwhile (the JDBC catalog reports that as a failed INSERT).
                if (!ns.namespaceExists(id.namespace())) {
                    throw e;
                }
            }
        }
        Map<String, String> props = new HashMap<>();
        props.put(TableProperties.FORMAT_VERSION, "2");
        props.put(TableProperties.DEFAULT_FILE_FORMAT, "parquet");
        // Manifests of many drivers commit to one table: a lost race is retried, with room for a busy hour.
        props.put(TableProperties.COMMIT_NUM_RETRIES, "20");
        props.put(TableProperties.COMMIT_MIN_RETRY_WAIT_MS, "200");
        props.put(TableProperties.DEFAULT_NAME_MAPPING, NameMappingParser.toJson(MappingUtil.create(schema)));
        try {
            return catalog.buildTable(id, schema).withPartitionSpec(spec).withProperties(props).create();
        } catch (RuntimeException e) {
            // Another driver created it meanwhile: AlreadyExistsException, or a failed INSERT from the JDBC catalog.
            if (e instanceof AlreadyExistsException || catalog.tableExists(id)) {
                return catalog.loadTable(id);
            }
            throw e;
        }
    }

    private static void checkPartitioning(Table table, PartitionSpec wanted) {
        List<String> have = table.spec().fields().stream()
                .map(f -> table.schema().findColumnName(f.sourceId()) + ":" + f.transform()).toList();
        List<String> want = wanted.fields().stream()
                .map(f -> wanted.schema().findColumnName(f.sourceId()) + ":" + f.transform()).toList();
        if (!have.equals(want)) {
            throw new IllegalStateException("table " + table.name() + " is partitioned by " + describe(have)
                    + ", the setting partition-by asks for " + describe(want));
        }
    }

    private static String describe(List<String> fields) {
        return fields.isEmpty() ? "nothing" : String.join(", ", fields);
    }

    /** Runs a metadata change, retrying on a refreshed table when another writer committed first. */
    static void onConflictRetry(Table table, Runnable change) {
        Commits.onConflictRetry(table, change);
    }
}
