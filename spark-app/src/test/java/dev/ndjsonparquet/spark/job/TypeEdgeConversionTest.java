package dev.ndjsonparquet.spark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.conversion.ConversionSettings;
import dev.ndjsonparquet.conversion.PartitionMode;
import dev.ndjsonparquet.conversion.WriterEngine;
import dev.ndjsonparquet.spark.output.ConversionResult;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Values at the edges of every supported Spark type, on both write paths, with an explicit schema: each line is one row
 * (the value converted, or kept exactly as written in {@code _rescued_data}) or one bad record with its reason, and the
 * job never fails (issue 19: {@code 1e999999999} into a DECIMAL, an integer beyond a double's range into a DOUBLE and
 * a 100,000-element array each failed the whole job). The expectations come from the types' definitions (ranges,
 * digits, scale), not from the converters; the table in docs/columnar-write-path.md says the same in words.
 */
class TypeEdgeConversionTest {

    private static final String SCHEMA = "id BIGINT, l BIGINT, i INT, sm SMALLINT, ti TINYINT, d DOUBLE, f FLOAT, "
            + "dec DECIMAL(10,2), big DECIMAL(38,0), b BOOLEAN, s STRING, ts TIMESTAMP, dt DATE, arr ARRAY<BIGINT>, "
            + "m MAP<STRING, DOUBLE>, st STRUCT<x: BIGINT, y: STRING>";

    @TempDir
    Path dir;

    /** What must become of a line: a value read back, the raw value rescued, or a bad record with this reason's start. */
    sealed interface Expect permits Value, Rescued, Bad {
    }

    record Value(Object value) implements Expect {
    }

    /** Rescued as written ({@code as} null: {@code {"<field>":<json>}}), else as {@code as} says. */
    record Rescued(String as) implements Expect {
    }

    record Bad(String reasonStart) implements Expect {
    }

    /** One line {@code {"id":<n>,"<field>":<json>}} (or a whole line of its own) and what must become of it. */
    record Case(String field, String json, String line, Expect expect) {
        static Case of(String field, String json, Expect expect) {
            return new Case(field, json, null, expect);
        }

        String lineWithId(long id) {
            return line != null ? line.replace("$ID", Long.toString(id)) : "{\"id\":" + id + ",\"" + field + "\":" + json + "}";
        }
    }

    private static final Expect RESCUED = new Rescued(null);
    private static final String TOO_LONG_NUMBER = "invalid JSON: Number value length";
    private static final String TOO_DEEP = "invalid JSON: Document nesting depth";

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        // Integral types: their bounds, one past them, and numbers that are not integers.
        Object[][] integral = {{"l", Long.MIN_VALUE, Long.MAX_VALUE}, {"i", (long) Integer.MIN_VALUE, (long) Integer.MAX_VALUE},
            {"sm", (long) Short.MIN_VALUE, (long) Short.MAX_VALUE}, {"ti", (long) Byte.MIN_VALUE, (long) Byte.MAX_VALUE}};
        for (Object[] t : integral) {
            String f = (String) t[0];
            long min = (Long) t[1];
            long max = (Long) t[2];
            c.add(Case.of(f, Long.toString(min), new Value(narrow(f, min))));
            c.add(Case.of(f, Long.toString(max), new Value(narrow(f, max))));
            c.add(Case.of(f, BigInteger.valueOf(min).subtract(BigInteger.ONE).toString(), RESCUED));
            c.add(Case.of(f, BigInteger.valueOf(max).add(BigInteger.ONE).toString(), RESCUED));
            for (String notInteger : List.of("1.0", "1e2", "1e999999999", "-1e-999999999", "1e99999999999", "0.5")) {
                c.add(Case.of(f, notInteger, RESCUED));
            }
            c.add(Case.of(f, "-0", new Value(narrow(f, 0))));
            c.add(Case.of(f, "1" + "0".repeat(1_000), RESCUED));
        }
        // Doubles and floats: the largest finite value, past it, sub-normals, huge and tiny exponents, long mantissas.
        c.add(Case.of("d", "1.7976931348623157e308", new Value(Double.MAX_VALUE)));
        c.add(Case.of("d", "1.8e308", RESCUED));
        c.add(Case.of("d", "-1e309", RESCUED));
        c.add(Case.of("d", "1" + "0".repeat(400), RESCUED)); // an integer token beyond a double: NumberFormatException before
        c.add(Case.of("d", "1" + "0".repeat(308), new Value(1e308)));
        c.add(Case.of("d", "4.9e-324", new Value(Double.MIN_VALUE)));
        c.add(Case.of("d", "1e-999999999", new Value(0.0))); // rounds to zero, as IEEE 754 (and Spark, DuckDB) round
        c.add(Case.of("d", "1e999999999", RESCUED));
        c.add(Case.of("d", "1e99999999999", RESCUED));
        c.add(Case.of("d", "0." + "3".repeat(5_000), new Value(0.3333333333333333)));
        c.add(Case.of("d", "-0.0", new Value(-0.0)));
        c.add(Case.of("f", "3.4028235e38", new Value(Float.MAX_VALUE)));
        c.add(Case.of("f", "3.5e38", RESCUED)); // a double, but beyond a float: never Infinity
        c.add(Case.of("f", "1.7976931348623157e308", RESCUED));
        c.add(Case.of("f", "1e-50", new Value(0.0f)));
        c.add(Case.of("f", "1" + "0".repeat(400), RESCUED));
        for (String special : List.of("\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "\"1.5\"")) {
            c.add(Case.of("d", special, RESCUED));
            c.add(Case.of("f", special, RESCUED));
            c.add(Case.of("s", special, new Value(special.substring(1, special.length() - 1))));
        }
        for (String bare : List.of("NaN", "Infinity", "-Infinity", "+1", ".5", "1.", "01")) {
            c.add(Case.of("d", bare, new Bad("invalid JSON")));
        }
        // Decimals: DECIMAL(10,2) holds 8 integer digits and 2 fraction digits; DECIMAL(38,0) 38 integer digits.
        c.add(Case.of("dec", "12345678.99", new Value(new BigDecimal("12345678.99"))));
        c.add(Case.of("dec", "-12345678.99", new Value(new BigDecimal("-12345678.99"))));
        c.add(Case.of("dec", "123456789", RESCUED));
        c.add(Case.of("dec", "0.005", RESCUED)); // would round
        c.add(Case.of("dec", "1.500", new Value(new BigDecimal("1.50"))));
        c.add(Case.of("dec", "1e7", new Value(new BigDecimal("10000000.00"))));
        c.add(Case.of("dec", "1e8", RESCUED));
        c.add(Case.of("dec", "1e-2", new Value(new BigDecimal("0.01"))));
        c.add(Case.of("dec", "1e-3", RESCUED));
        c.add(Case.of("dec", "1e999999999", RESCUED)); // ArithmeticException: BigInteger would overflow, before
        c.add(Case.of("dec", "-1e999999999", RESCUED));
        c.add(Case.of("dec", "1e-999999999", RESCUED));
        c.add(Case.of("dec", "0e999999999", new Value(new BigDecimal("0.00"))));
        c.add(Case.of("dec", "1E+2147483648", RESCUED)); // an exponent beyond an int
        c.add(Case.of("dec", "1e99999999999", RESCUED));
        c.add(Case.of("dec", "0." + "0".repeat(5_000) + "1", RESCUED));
        c.add(Case.of("dec", "1" + "0".repeat(9_998), RESCUED)); // 9,999 digits: the longest number read
        c.add(Case.of("dec", "\"12.50\"", RESCUED));
        c.add(Case.of("big", "9".repeat(38), new Value(new BigDecimal("9".repeat(38)))));
        c.add(Case.of("big", "1" + "0".repeat(38), RESCUED));
        c.add(Case.of("big", "1e37", new Value(new BigDecimal("1" + "0".repeat(37)))));
        c.add(Case.of("big", "1e38", RESCUED));
        c.add(Case.of("big", "0.1", RESCUED));
        // Any number longer than 10,000 characters is a bad record, whatever its column (and in unknown fields).
        c.add(Case.of("d", "1" + "0".repeat(10_000), new Bad(TOO_LONG_NUMBER)));
        c.add(Case.of("s", "1".repeat(100_000), new Bad(TOO_LONG_NUMBER)));
        c.add(Case.of("unknown", "1".repeat(100_000), new Bad(TOO_LONG_NUMBER)));
        // Booleans and strings.
        c.add(Case.of("b", "true", new Value(true)));
        c.add(Case.of("b", "\"true\"", RESCUED));
        c.add(Case.of("b", "1", RESCUED));
        c.add(Case.of("s", "1e999999999", new Value("1e999999999"))); // a string column keeps any scalar's text
        c.add(Case.of("s", "{\"n\":1e999999999,\"m\":1" + "0".repeat(400) + "}",
                new Value("{\"n\":1e999999999,\"m\":1" + "0".repeat(400) + "}")));
        c.add(Case.of("s", "\"\\ud83d\\ude00 \\u00e9\"", new Value("\uD83D\uDE00 \u00e9")));
        // An unpaired surrogate has no UTF-8 form (it was written as '?'): rescued, escaped as JSON writes it.
        c.add(Case.of("s", "\"\\ud800\"", new Rescued("{\"s\":\"\\uD800\"}")));
        c.add(Case.of("s", "\"a\\udc00b\"", new Rescued("{\"s\":\"a\\uDC00b\"}")));
        c.add(Case.of("s", "\"\\u0000\"", new Value("\u0000")));
        c.add(Case.of("s", "\"\\x\"", new Bad("invalid JSON: Unrecognized character escape")));
        c.add(Case.of("s", "\"\\u12\"", new Bad("invalid JSON")));
        c.add(new Case("s", null, "{\"id\":$ID,\"\\ud800\":1}", new Bad("invalid JSON"))); // in a key
        // Timestamps and dates: the forms read, out-of-range and malformed ones.
        c.add(Case.of("ts", "\"2026-01-01T00:00:00Z\"", new Value(Instant.parse("2026-01-01T00:00:00Z"))));
        c.add(Case.of("ts", "\"9999-12-31T23:59:59.999999Z\"", new Value(Instant.parse("9999-12-31T23:59:59.999999Z"))));
        c.add(Case.of("ts", "\"2026-01-01 10:00:00\"", new Value(Instant.parse("2026-01-01T10:00:00Z"))));
        c.add(Case.of("ts", "\"2026-01-01T10:00:00+02:00\"", new Value(Instant.parse("2026-01-01T08:00:00Z"))));
        for (String bad : List.of("\"+999999999-12-31T23:59:59Z\"", "\"294248-01-01T00:00:00Z\"", "\"2026-02-30T00:00:00Z\"",
                "\"2026-01-01T25:00:00Z\"", "\"2026-01-01T10:00:00+25:00\"", "\"2026-13-01\"", "\"\"",
                "1767225600", "1e999999999")) {
            c.add(Case.of("ts", bad, RESCUED));
        }
        c.add(Case.of("dt", "\"2026-02-28\"", new Value(LocalDate.parse("2026-02-28"))));
        c.add(Case.of("dt", "\"2024-02-29\"", new Value(LocalDate.parse("2024-02-29"))));
        for (String bad : List.of("\"2026-02-29\"", "\"2026-1-1\"", "\"+10000-01-01\"", "\"0000-00-00\"", "20260101")) {
            c.add(Case.of("dt", bad, RESCUED));
        }
        // Structures: huge arrays and objects, nesting deeper than the limit, duplicate keys anywhere.
        StringBuilder many = new StringBuilder("[");
        for (int k = 0; k < 100_000; k++) {
            many.append(k == 0 ? "" : ",").append(k);
        }
        c.add(Case.of("arr", many.append(']').toString(), new Value("size:100000"))); // Index 8192 before
        StringBuilder keys = new StringBuilder("{");
        for (int k = 0; k < 30_000; k++) {
            keys.append(k == 0 ? "" : ",").append("\"k").append(k).append("\":").append(k).append(".5");
        }
        c.add(Case.of("m", keys.append('}').toString(), new Value("size:30000")));
        c.add(Case.of("st", "{\"x\":1,\"y\":\"a\",\"z\":[1e999999999]}", new Rescued("{\"st.z\":[1e999999999]}")));
        c.add(Case.of("unknown", "[".repeat(999) + "]".repeat(999), RESCUED));
        c.add(Case.of("unknown", "[".repeat(1_000) + "]".repeat(1_000), new Bad(TOO_DEEP)));
        c.add(Case.of("arr", "[".repeat(5_000) + "]".repeat(5_000), new Bad(TOO_DEEP)));
        c.add(Case.of("st", "{\"x\":1,\"x\":2}", new Bad("duplicate key")));
        c.add(Case.of("m", "{\"a\":1,\"a\":2}", new Bad("duplicate key")));
        c.add(new Case("l", null, "{\"id\":$ID,\"l\":1,\"l\":1}", new Bad("duplicate key")));
        return c;
    }

    private static Object narrow(String field, long v) {
        return switch (field) {
            case "i" -> (int) v;
            case "sm" -> (short) v;
            case "ti" -> (byte) v;
            default -> v;
        };
    }

    @ParameterizedTest
    @EnumSource(WriterEngine.class)
    void everyValueAtATypesEdgeIsARowARescuedValueOrABadRecord(WriterEngine writer) throws IOException {
        List<Case> cases = cases();
        StringBuilder file = new StringBuilder();
        for (int n = 1; n <= cases.size(); n++) {
            file.append(cases.get(n - 1).lineWithId(n)).append('\n');
        }
        Path input = dir.resolve("edges.ndjson");
        Files.writeString(input, file, StandardCharsets.UTF_8);
        ConversionSettings.Values settings = ConversionSettings.Values.defaults().withSchema(SCHEMA).withWriter(writer)
                .withPartitionBy(PartitionMode.parse("none"));
        ConversionResult r = SharedSpark.convert(settings, dir.resolve("out-" + writer), input).result();

        Map<Long, Row> rows = new HashMap<>();
        for (Row row : SharedSpark.get().read().parquet(r.dataLocation()).selectExpr("*", "size(arr) AS arr_size",
                "size(m) AS m_size").collectAsList()) {
            rows.put(row.getAs("id"), row);
        }
        Map<Long, Row> bad = new HashMap<>();
        if (r.badRecordsLocation() != null) {
            for (Row row : SharedSpark.get().read().parquet(r.badRecordsLocation()).collectAsList()) {
                bad.put(row.getAs("line_number"), row);
            }
        }
        List<String> wrong = new ArrayList<>();
        for (int n = 1; n <= cases.size(); n++) {
            Case c = cases.get(n - 1);
            String problem = check(c, rows.get((long) n), bad.get((long) n));
            if (problem != null) {
                wrong.add("line " + n + " " + c.field() + "=" + abbreviate(c.json()) + ": " + problem);
            }
        }
        assertEquals(List.of(), wrong, writer + ": lines whose outcome is not the expected one");
        assertEquals(cases.size(), r.linesRead());
        assertEquals(cases.size(), rows.size() + bad.size(), "every line is one row or one bad record");
        assertEquals(r.rowsWritten(), rows.size());
        assertEquals(r.badRecords(), bad.size());
        assertEquals(0, r.internalErrors(), "no line needed the last-resort guard");
    }

    private static String check(Case c, Row row, Row bad) {
        if (c.expect() instanceof Bad b) {
            if (bad == null) {
                return "expected a bad record, got a row";
            }
            String reason = bad.getAs("reason");
            return reason.startsWith(b.reasonStart()) ? null : "bad record's reason is '" + abbreviate(reason) + "'";
        }
        if (row == null) {
            return "expected a row, got a bad record: " + (bad == null ? "none" : abbreviate(bad.getAs("reason")));
        }
        String rescued = row.getAs("_rescued_data");
        if (c.expect() instanceof Rescued resc) {
            String expected = resc.as() != null ? resc.as() : "{\"" + c.field() + "\":" + c.json() + "}";
            return expected.equals(rescued) ? null : "expected " + abbreviate(expected) + " in _rescued_data, found "
                    + abbreviate(rescued);
        }
        if (rescued != null) {
            return "expected a value, got _rescued_data " + abbreviate(rescued);
        }
        Object expected = ((Value) c.expect()).value();
        Object actual;
        if ("size:100000".equals(expected) || "size:30000".equals(expected)) {
            actual = "size:" + row.getAs(c.field() + "_size");
        } else {
            actual = row.getAs(c.field());
            if (actual instanceof java.sql.Timestamp t) {
                actual = t.toInstant();
            } else if (actual instanceof java.sql.Date d) {
                actual = d.toLocalDate();
            }
        }
        return expected.equals(actual) ? null : "expected " + expected + ", read back " + abbreviate(String.valueOf(actual));
    }

    private static String abbreviate(String s) {
        return s == null || s.length() <= 60 ? s : s.substring(0, 60) + "...(" + s.length() + " chars)";
    }
}
