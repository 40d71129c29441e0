package dev.ndjsonparquet.conversion;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Iceberg part of the conversion settings, and the checks that span several of them (a JDBC catalog
 * needs a URI, a Hadoop catalog must not sit on S3, ...). Pure: building the catalog is the Spark
 * application's job.
 *
 * @param catalogType       which catalog
 * @param catalogUri        JDBC URL (JDBC), endpoint (REST); unused for Glue and Hadoop
 * @param warehouse         where new tables' files go (s3://bucket/prefix, a local path, an S3 Tables bucket ARN)
 * @param table             {@code namespace.table} of the rows
 * @param badRecordsTable   {@code namespace.table} of the bad records
 * @param restSigningName   REST only: SigV4 service name ({@code s3tables}, {@code glue}); empty means no signing
 * @param extraProperties   further catalog properties, {@code key=value} separated by commas
 */
public record IcebergSettings(IcebergCatalogType catalogType, String catalogUri, String warehouse, String table,
                              String badRecordsTable, String restSigningName, String extraProperties)
        implements java.io.Serializable {

    /** Every problem of these settings when the output mode is Iceberg; empty when they can be used. */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        boolean noUri = catalogUri == null || catalogUri.isBlank();
        boolean noWarehouse = warehouse == null || warehouse.isBlank();
        switch (catalogType) {
            case JDBC -> {
                if (noUri) {
                    p.add("iceberg-catalog-uri is required with the jdbc catalog (e.g. jdbc:sqlite:/var/lib/np/catalog.db)");
                } else if (!catalogUri.startsWith("jdbc:")) {
                    p.add("iceberg-catalog-uri: a jdbc catalog needs a jdbc: URL, got '" + catalogUri + "'");
                }
                if (noWarehouse) {
                    p.add("iceberg-warehouse is required with the jdbc catalog");
                }
            }
            case HADOOP -> {
                if (noWarehouse) {
                    p.add("iceberg-warehouse is required with the hadoop catalog");
                } else if (warehouse.toLowerCase(Locale.ROOT).startsWith("s3")) {
                    p.add("iceberg-warehouse: the hadoop catalog commits by rename, which S3 does not make atomic; "
                            + "use glue, rest or jdbc for " + warehouse);
                }
            }
            case GLUE -> {
                if (noWarehouse) {
                    p.add("iceberg-warehouse is required with the glue catalog (s3://bucket/prefix for new tables)");
                }
            }
            case REST -> {
                if (noUri) {
                    p.add("iceberg-catalog-uri is required with the rest catalog (e.g. https://s3tables.us-east-1.amazonaws.com/iceberg)");
                } else if (!catalogUri.startsWith("http://") && !catalogUri.startsWith("https://")) {
                    p.add("iceberg-catalog-uri: a rest catalog needs an http(s) URL, got '" + catalogUri + "'");
                }
            }
        }
        for (String[] t : new String[][] {{"iceberg-table", table}, {"iceberg-bad-records-table", badRecordsTable}}) {
            if (t[1] == null || !t[1].matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)+")) {
                p.add(t[0] + ": expected namespace.table (letters, digits, _), got '" + t[1] + "'");
            }
        }
        if (table != null && table.equals(badRecordsTable)) {
            p.add("iceberg-bad-records-table must differ from iceberg-table");
        }
        try {
            extra();
        } catch (IllegalArgumentException e) {
            p.add("iceberg-catalog-properties: " + e.getMessage());
        }
        return p;
    }

    /** {@link #extraProperties} as a map, in the order given. */
    public Map<String, String> extra() {
        Map<String, String> m = new LinkedHashMap<>();
        if (extraProperties == null || extraProperties.isBlank()) {
            return m;
        }
        String[] pairs = extraProperties.split(",");
        for (int i = 0; i < pairs.length; i++) {
            String pair = pairs[i];
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                // The text is not echoed: a value may be a secret.
                throw new IllegalArgumentException("expected key=value pairs separated by commas; pair " + (i + 1)
                        + " is not one");
            }
            m.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return m;
    }
}
