package dev.ndjsonparquet.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.controller.dispatch.ApplicationTemplate;
import dev.ndjsonparquet.settings.Setting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Helm reads every number of the values as a float64 and prints one from a million up in exponent form
 * ({@code 134217728} became {@code "1.34217728e+08"}), which the controller's integer settings refuse at start-up.
 * Every numeric value the values schema allows is set at a large magnitude here (the largest the schema allows when
 * that is lower), the chart is rendered with every optional part on, and the output is read back the way its
 * readers read it: each controller variable with its own {@link Setting} declaration, the driver's conversion settings
 * with the Spark application's declarations, every object strictly against its schema, and no number anywhere in
 * exponent form.
 */
class NumberRenderingTest {

    /** 2^27, the MAX_LINE_BYTES: large enough for Helm's exponent form. */
    static final long LARGE = 134_217_728L;
    private static final Pattern EXPONENT = Pattern.compile("(?<![\\w.])[0-9]+(\\.[0-9]+)?e[+-][0-9]+(?![\\w.])");

    /** Every numeric value of the values schema set to LARGE, or to its maximum when that is lower but still a million. */
    static ObjectNode largeNumbers(Map<String, Object> set, List<String> tooSmallToMatter) throws IOException {
        JsonNode schema = Yaml.MAPPER.readTree(Files.readString(Repo.chart().resolve("values.schema.json")));
        ObjectNode overlay = Yaml.MAPPER.createObjectNode();
        walk(schema, "", overlay, set, tooSmallToMatter);
        return overlay;
    }

    /** {@code overlay} is the object that holds this path's value (or, for an object schema, its properties). */
    private static void walk(JsonNode schema, String path, ObjectNode overlay, Map<String, Object> set, List<String> skipped) {
        if (schema.has("properties")) {
            ObjectNode here = path.isEmpty() ? overlay : Yaml.MAPPER.createObjectNode();
            for (Map.Entry<String, JsonNode> p : schema.path("properties").properties()) {
                walk(p.getValue(), path.isEmpty() ? p.getKey() : path + "." + p.getKey(), here, set, skipped);
            }
            if (!path.isEmpty() && !here.isEmpty()) {
                overlay.set(path.substring(path.lastIndexOf('.') + 1), here);
            }
            return;
        }
        JsonNode numeric = numericSchema(schema);
        if (numeric == null || path.contains("securityContext") || path.contains("SecurityContext")) {
            // UIDs and GIDs are fixed by the images; the restricted profile checks them elsewhere.
            return;
        }
        long value = LARGE;
        if (numeric.has("maximum") && numeric.path("maximum").asLong() < LARGE) {
            value = numeric.path("maximum").asLong();
        }
        if (value < 1_000_000) {
            skipped.add(path);
            return;
        }
        // The parents were created on the way down: the leaf goes into the innermost one.
        set.put(path, value);
        overlay.put(path.substring(path.lastIndexOf('.') + 1), value);
    }

    /** The schema itself when it is numeric, or its numeric alternative (anyOf string or number). */
    private static JsonNode numericSchema(JsonNode schema) {
        String type = schema.path("type").asString("");
        if (type.equals("integer") || type.equals("number")) {
            return schema;
        }
        for (JsonNode alt : schema.path("anyOf")) {
            String t = alt.path("type").asString("");
            if (t.equals("integer") || t.equals("number")) {
                return alt;
            }
        }
        return null;
    }

    @Test
    void largeNumbersRenderAsIntegersAndParseWithTheSettingsDeclarations() throws IOException {
        Map<String, Object> set = new TreeMap<>();
        List<String> skipped = new ArrayList<>();
        ObjectNode overlay = largeNumbers(set, skipped);
        assertTrue(set.size() > 40, "numeric values set: " + set.keySet());
        assertTrue(set.containsKey("conversion.MAX_LINE_BYTES") && set.containsKey("dispatcher.historyLimit")
                && set.containsKey("spark.timeToLiveSeconds"), set.keySet().toString());
        Path values = Files.createTempFile("large-numbers-", ".yaml");
        try {
            Files.writeString(values, Yaml.write(overlay));
            String rendered = Chart.template(Chart.values("all-on.yaml"), values);
            List<String> problems = new ArrayList<>();
            exponents(problems, "helm template", rendered);
            exponents(problems, "NOTES", NotesTest.notes(Chart.values("all-on.yaml"), values));
            List<JsonNode> objects = Yaml.readAll(rendered);
            for (String role : List.of("dispatcher", "builder")) {
                Map<String, Setting<?>> declared = SettingsContractTest.declarations(role);
                Chart.find(objects, "ConfigMap", Chart.RELEASE + "-" + role).path("data").properties().forEach(e -> {
                    Setting<?> s = declared.get(e.getKey());
                    if (s != null && !e.getValue().asString().isEmpty()) {
                        try {
                            s.parse(e.getValue().asString());
                        } catch (IllegalArgumentException x) {
                            problems.add(role + " " + e.getKey() + ": " + x.getMessage());
                        }
                    }
                });
            }
            JsonNode templateMap = Chart.find(objects, "ConfigMap", Chart.RELEASE + "-sparkapplication");
            ApplicationTemplate template = ApplicationTemplate.of("chart", templateMap.path("data").path("sparkapplication.yaml").asString());
            problems.addAll(template.problems());
            assertEquals(Long.valueOf(LARGE), template.parse().getSpec().getTimeToLiveSeconds());
            assertEquals(String.valueOf(LARGE), template.parse().getSpec().getSparkConf().get("spark.kubernetes.driverEnv.MAX_LINE_BYTES"));
            for (JsonNode o : objects) {
                SchemaValidationTest.errorsOf(o).forEach(e -> problems.add(o.path("kind").asString() + " "
                        + o.path("metadata").path("name").asString() + ": " + e));
            }
            assertEquals(List.of(), problems, "values set large: " + set.keySet() + "; bounded below a million: " + skipped);
        } finally {
            Files.deleteIfExists(values);
        }
    }

    private static void exponents(List<String> problems, String where, String text) {
        Matcher m = EXPONENT.matcher(text);
        while (m.find()) {
            int lineStart = text.lastIndexOf('\n', m.start()) + 1;
            int lineEnd = text.indexOf('\n', m.end());
            problems.add(where + ": " + text.substring(lineStart, lineEnd < 0 ? text.length() : lineEnd).strip());
        }
    }
}
