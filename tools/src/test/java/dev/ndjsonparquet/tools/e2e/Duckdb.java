package dev.ndjsonparquet.tools.e2e;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Reads the Parquet back with DuckDB (Spark stays off the controller's classpath): the first column of a query. */
final class Duckdb {

    private Duckdb() {
    }

    static List<Long> longs(String sql) {
        List<Long> out = new ArrayList<>();
        query(sql, r -> out.add(r.getLong(1)));
        return out;
    }

    static List<String> strings(String sql) {
        List<String> out = new ArrayList<>();
        query(sql, r -> out.add(r.getString(1)));
        return out;
    }

    private interface Row {
        void read(ResultSet r) throws SQLException;
    }

    private static void query(String sql, Row row) {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
             Statement s = c.createStatement()) {
            s.execute("SET threads=1");
            try (ResultSet r = s.executeQuery(sql)) {
                while (r.next()) {
                    row.read(r);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
