package dev.ndjsonparquet.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.manifest.ExecutorSizing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/**
 * KEDA warms one placeholder per executor the dispatcher will start: the files the builder holds become manifests of
 * {@code maxFilesPerManifest} files, each sized by the dispatcher's own {@link ExecutorSizing}. The rendered
 * ScaledObject's formula is evaluated as KEDA evaluates it ({@link KedaFormula}) and the NOTES' table is read back;
 * both must be that count, at low traffic (a few files: min-executors and per-manifest rounding, which the old
 * files-per-placeholder ratio under-counted up to 4x) and at peak (capped at two manifests), and zero when the
 * builder stopped and only visible messages pile up.
 */
class PlaceholderArithmeticTest {

    private static final Pattern NOTES_ROW = Pattern.compile("^\\s+(\\d+) held files -> (\\d+) placeholders$", Pattern.MULTILINE);

    /** What the dispatcher gives the manifests of {@code held} files of {@code fileMb} MiB. */
    static int executorsFor(int held, int filesPerManifest, int fileMb, ExecutorSizing sizing) {
        int total = 0;
        for (int left = held; left > 0; left -= filesPerManifest) {
            int files = Math.min(left, filesPerManifest);
            total += sizing.executorsFor((long) files * fileMb << 20);
        }
        return total;
    }

    private static JsonNode scaledObject(List<JsonNode> objects) {
        return Chart.find(objects, "ScaledObject", Chart.RELEASE + "-placeholder").path("spec");
    }

    @ParameterizedTest(name = "{0} GiB per executor, {1} MiB files, executors {2}..{3}, {4} files a manifest")
    @CsvSource({
        "16, 4000, 1, 40, 100",
        // The under-count: min-executors 4 gives a one-file manifest 4 executors; files / 4 gave 1 placeholder.
        "16, 4000, 4, 40, 100",
        "16, 3000, 1, 40, 100",
        "1.5, 512, 1, 40, 20",
        "16, 4000, 1, 10, 100",
        "32, 5000, 2, 40, 50"})
    void placeholdersAreTheExecutorsOfTheHeldFilesManifests(String gbPerExecutor, int fileMb, int minExecutors, int maxExecutors,
                                                           int filesPerManifest) throws Exception {
        String values = "dispatcher: {bytesPerExecutorGb: " + gbPerExecutor + ", minExecutors: " + minExecutors
                + ", maxExecutors: " + maxExecutors + "}\n"
                + "builder: {maxFilesPerManifest: " + filesPerManifest + "}\n"
                + "placeholders: {expectedFileSizeMb: " + fileMb + "}\n";
        ExecutorSizing sizing = new ExecutorSizing(Double.parseDouble(gbPerExecutor), minExecutors, maxExecutors);
        JsonNode spec = scaledObject(Yaml.readAll(Chart.templateWith(values)));
        int cap = spec.path("maxReplicaCount").asInt();
        assertEquals(2 * executorsFor(filesPerManifest, filesPerManifest, fileMb, sizing), cap, "two manifests' executors");
        String formula = spec.path("advanced").path("scalingModifiers").path("formula").asString();
        assertEquals("1", spec.path("advanced").path("scalingModifiers").path("target").asString(), "one placeholder per executor");
        List<String> wrong = new ArrayList<>();
        for (int held = 0; held <= 3 * filesPerManifest + 1; held++) {
            for (int visible : new int[] {0, 7, 5_000}) {
                double got = KedaFormula.evaluate(formula, Map.of("ingest_all", (double) held + visible, "ingest_visible", (double) visible));
                int want = executorsFor(held, filesPerManifest, fileMb, sizing);
                if (got != want) {
                    wrong.add(held + " held, " + visible + " visible: " + got + " placeholders, the dispatcher starts " + want + " executors");
                }
            }
        }
        assertEquals(List.of(), wrong, formula);

        Path file = Files.createTempFile("keda-", ".yaml");
        try {
            Files.writeString(file, values);
            String notes = NotesTest.notes(file);
            Matcher m = NOTES_ROW.matcher(notes);
            int rows = 0;
            while (m.find()) {
                int held = Integer.parseInt(m.group(1));
                assertEquals(Math.min(cap, executorsFor(held, filesPerManifest, fileMb, sizing)), Integer.parseInt(m.group(2)), m.group());
                rows++;
            }
            assertTrue(rows >= 5, notes);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void aStoppedBuilderScalesThePlaceholdersToZeroNotToTheCap() {
        String formula = scaledObject(Chart.render()).path("advanced").path("scalingModifiers").path("formula").asString();
        // Nobody receives: every message is visible, none in flight.
        assertEquals(0.0, KedaFormula.evaluate(formula, Map.of("ingest_all", 20_000.0, "ingest_visible", 20_000.0)));
        // The two triggers are polled one after the other: a visible count read a moment later may be the larger.
        assertEquals(0.0, KedaFormula.evaluate(formula, Map.of("ingest_all", 3.0, "ingest_visible", 9.0)));
    }

    @Test
    void theTriggersReadTheIngestQueueWithAndWithoutInFlightMessages() {
        JsonNode spec = scaledObject(Chart.render(Chart.values("all-on.yaml")));
        JsonNode triggers = spec.path("triggers");
        assertEquals(2, triggers.size());
        Map<String, String> inFlight = new java.util.TreeMap<>();
        for (JsonNode t : triggers) {
            assertEquals("aws-sqs-queue", t.path("type").asString());
            assertEquals("https://sqs.eu-west-1.amazonaws.com/123456789012/ndjson-ingest", t.path("metadata").path("queueURL").asString());
            inFlight.put(t.path("name").asString(), t.path("metadata").path("scaleOnInFlight").asString());
        }
        assertEquals(Map.of("ingest_all", "true", "ingest_visible", "false"), inFlight);
    }

    /**
     * At 7,000 files an hour a 100-file batch fills in about 51 s: KEDA polls often and the HPA goes to the count in one
     * step (its default ramp, double or 4 pods per 15 s, took a minute and a half to reach 50).
     */
    @Test
    void scaleUpIsImmediateAndPollingShort() {
        JsonNode spec = scaledObject(Chart.render());
        assertTrue(spec.path("pollingInterval").asInt() <= 15, spec.toString());
        JsonNode scaleUp = spec.path("advanced").path("horizontalPodAutoscalerConfig").path("behavior").path("scaleUp");
        assertEquals(0, scaleUp.path("stabilizationWindowSeconds").asInt());
        boolean toTheCapInOnePeriod = false;
        for (JsonNode p : scaleUp.path("policies")) {
            toTheCapInOnePeriod |= p.path("type").asString().equals("Pods") && p.path("value").asInt() >= spec.path("maxReplicaCount").asInt()
                    && p.path("periodSeconds").asInt() <= 15;
        }
        assertTrue(toTheCapInOnePeriod, scaleUp.toString());
        assertEquals(50, spec.path("maxReplicaCount").asInt(), "defaults: 2 manifests of 100 files of 4000 MiB at 16 GiB an executor");
    }
}
