package dev.ndjsonparquet.spark.job;

import dev.ndjsonparquet.spark.output.ConversionResult;
import dev.ndjsonparquet.conversion.ConversionSettings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The real-world files of the shared corpus: row counts match the strict counts of its SOURCES.md, and
 * every record read back from the Parquet equals its input line (nested objects, arrays, unicode,
 * 64-bit integers, keys with dots, colons and slashes, sparse fields).
 */
class CorpusConversionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path out;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "2021-07-21-few-hours.json, 800",
        "gharchive_log.jsonl, 50",
        "kube-audit-rest.log, 59",
        "x509.json.gz, 348",
        "bluesky.json.gz, 10",
    })
    void everyRecordRoundTrips(String file, long objects) throws IOException {
        Path input = SharedSpark.corpus(file);
        ManifestConversion.Outcome o = SharedSpark.convert(ConversionSettings.Values.defaults(), out, input);
        ConversionResult r = o.result();
        assertEquals(objects, r.linesRead());
        assertEquals(objects, r.rowsWritten());
        assertEquals(0, r.badRecords());
        assertEquals(List.of(), r.quarantinedFiles());

        Dataset<Row> df = SharedSpark.get().read().parquet(r.dataLocation());
        assertEquals(objects, df.count());
        List<String> actual = new ArrayList<>();
        for (String row : df.toJSON().collectAsList()) {
            actual.add(canonical(withRescuedMerged(JSON.readTree(row))));
        }
        List<String> expected = new ArrayList<>();
        for (String line : lines(input)) {
            expected.add(canonical(JSON.readTree(line)));
        }
        actual.sort(null);
        expected.sort(null);
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), actual.get(i), file + ": record differs after the round trip");
        }
    }

    @Test
    void specificValuesSurvive() throws IOException {
        Path bluesky = SharedSpark.corpus("bluesky.json.gz");
        Path x509 = SharedSpark.corpus("x509.json.gz");
        Path audit = SharedSpark.corpus("kube-audit-rest.log");
        ConversionResult b = SharedSpark.convert(ConversionSettings.Values.defaults(), out.resolve("b"), bluesky).result();
        Dataset<Row> bs = SharedSpark.get().read().parquet(b.dataLocation());
        assertEquals("bigint", bs.schema().apply("time_us").dataType().simpleString(), "time_us needs 64 bits");
        assertTrue(bs.where("time_us > 1700000000000000").count() == 10);

        ConversionResult x = SharedSpark.convert(ConversionSettings.Values.defaults(), out.resolve("x"), x509).result();
        Dataset<Row> xs = SharedSpark.get().read().parquet(x.dataLocation());
        assertTrue(List.of(xs.columns()).contains("certificate.version"), "dotted keys stay flat columns");
        assertEquals(3, xs.where("`san.email` IS NOT NULL").count(), "sparse key kept where present");
        assertEquals(3, xs.where("`san.ip` IS NOT NULL").count());
        assertEquals(33, xs.where("`certificate.curve` IS NOT NULL").count());


        ConversionResult a = SharedSpark.convert(ConversionSettings.Values.defaults(), out.resolve("a"), audit).result();
        assertEquals(59, a.rowsWritten(), "the file has no trailing newline: its last line still counts");
    }

    @Test
    void arraysPerLineAreBadRecordsNotRows() throws IOException {
        Path amazon = SharedSpark.corpus("amazon_cellphones.ndjson");
        ConversionResult r = SharedSpark.convert(ConversionSettings.Values.defaults(), out, amazon).result();
        assertEquals(793, r.linesRead());
        assertEquals(0, r.rowsWritten());
        assertEquals(793, r.badRecords());
        Dataset<Row> bad = SharedSpark.get().read().parquet(r.badRecordsLocation());
        assertEquals(793, bad.where("reason = 'not a JSON object: top-level array'").count());
        assertEquals(1L, bad.where("line_number = 1").count());
        assertEquals(793L, bad.selectExpr("max(line_number)").first().getLong(0));
        String first = Files.readAllLines(amazon).get(0);
        assertEquals(first, bad.where("line_number = 1").first().getAs("raw_line"));
    }

    static List<String> lines(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        if (file.toString().endsWith(".gz")) {
            in = new GZIPInputStream(in);
        }
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String l;
            while ((l = r.readLine()) != null) {
                if (!l.isBlank()) {
                    out.add(l);
                }
            }
        }
        return out;
    }

    /** Puts the values of {@code _rescued_data} back at their (top-level) keys. */
    private static JsonNode withRescuedMerged(JsonNode row) throws IOException {
        ObjectNode o = (ObjectNode) row;
        JsonNode rescued = o.remove("_rescued_data");
        o.remove("ingest_date");
        o.remove("manifest_id");
        if (rescued != null) {
            JsonNode r = JSON.readTree(rescued.asText());
            r.fields().forEachRemaining(e -> o.set(e.getKey(), e.getValue()));
        }
        return o;
    }

    /**
     * A canonical text of a JSON value: keys sorted, nulls dropped (Parquet cannot tell absent from null),
     * numbers as exact decimals, and strings that hold JSON structures (a field that is an object in some
     * records and a string in others is stored as text) parsed back.
     */
    static String canonical(JsonNode n) throws IOException {
        return JSON.writeValueAsString(normalize(n));
    }

    private static JsonNode normalize(JsonNode n) throws IOException {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (n.isObject()) {
            Map<String, JsonNode> sorted = new TreeMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = n.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isNull()) {
                    JsonNode v = normalize(e.getValue());
                    if (!(v.isObject() && v.isEmpty())) {
                        sorted.put(e.getKey(), v);
                    }
                }
            }
            ObjectNode o = f.objectNode();
            sorted.forEach(o::set);
            return o;
        }
        if (n.isArray()) {
            ArrayNode a = f.arrayNode();
            for (JsonNode e : n) {
                a.add(e.isNull() ? e : normalize(e));
            }
            return a;
        }
        if (n.isNumber()) {
            return f.textNode("#" + n.decimalValue().stripTrailingZeros().toPlainString());
        }
        if (n.isTextual()) {
            String t = n.asText();
            if ((t.startsWith("{") && t.endsWith("}")) || (t.startsWith("[") && t.endsWith("]"))) {
                try {
                    return normalize(JSON.readTree(t));
                } catch (IOException e) {
                    return n;
                }
            }
        }
        return n;
    }
}
