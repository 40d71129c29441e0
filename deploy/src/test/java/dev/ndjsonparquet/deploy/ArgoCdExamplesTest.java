package dev.ndjsonparquet.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The ArgoCD examples are Applications whose chart values pass the chart's schema, installed in dependency order. */
class ArgoCdExamplesTest {

    private static final Path DIR = Repo.root().resolve("examples/argocd");

    /** Every object of the examples: Applications, and the job Namespace the app-of-apps creates first. */
    private static List<JsonNode> objects() throws IOException {
        try (Stream<Path> files = Stream.concat(Stream.of(DIR.resolve("application.yaml"), DIR.resolve("app-of-apps.yaml")),
                Files.list(DIR.resolve("apps")).sorted())) {
            return files.map(p -> {
                try {
                    return Yaml.read(Files.readString(p));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }

    static List<JsonNode> applications() throws IOException {
        return objects().stream().filter(o -> o.path("kind").asString().equals("Application")).toList();
    }

    @Test
    void everyExampleIsAnApplicationOrTheJobNamespace() throws IOException {
        for (JsonNode o : objects()) {
            assertTrue(o.path("kind").asString().equals("Application") || o.path("kind").asString().equals("Namespace"), o.toString());
        }
        for (JsonNode app : applications()) {
            assertEquals("argoproj.io/v1alpha1", app.path("apiVersion").asString());
            assertEquals("Application", app.path("kind").asString());
            assertTrue(app.path("spec").path("source").has("repoURL"));
            assertTrue(app.path("spec").path("destination").has("namespace"));
        }
    }

    @Test
    void theChartValuesInTheExamplesPassTheChartsSchemaAndRender() throws IOException {
        int checked = 0;
        for (JsonNode app : applications()) {
            JsonNode source = app.path("spec").path("source");
            if (source.path("path").asString().equals("charts/ndjson-parquet")) {
                String rendered = Chart.templateWith(Yaml.write(source.path("helm").path("valuesObject")));
                assertTrue(rendered.contains("kind: ScaledObject"));
                assertEquals(Chart.RELEASE, source.path("helm").path("releaseName").asString());
                checked++;
            }
        }
        assertEquals(2, checked, "application.yaml and apps/ndjson-parquet.yaml");
    }

    @Test
    void prerequisitesSyncBeforeThePipeline() throws IOException {
        Map<String, Integer> waves = new HashMap<>();
        for (JsonNode app : applications()) {
            String wave = app.path("metadata").path("annotations").path("argocd.argoproj.io/sync-wave").asString("");
            if (!wave.isEmpty()) {
                waves.put(app.path("metadata").path("name").asString(), Integer.parseInt(wave));
            }
        }
        assertTrue(waves.get("spark-operator") < waves.get("ndjson-parquet"), waves.toString());
        assertTrue(waves.get("keda") < waves.get("ndjson-parquet"), waves.toString());
        // spark-operator's chart creates Roles in the namespaces it watches: the job namespace comes before it.
        JsonNode namespace = objects().stream().filter(o -> o.path("kind").asString().equals("Namespace")).findFirst().orElseThrow();
        int namespaceWave = Integer.parseInt(namespace.path("metadata").path("annotations").path("argocd.argoproj.io/sync-wave").asString());
        assertTrue(namespaceWave < waves.get("spark-operator"), "job namespace wave " + namespaceWave + ", " + waves);
        assertEquals("restricted", namespace.path("metadata").path("labels").path("pod-security.kubernetes.io/enforce").asString());
        for (JsonNode app : applications()) {
            if (app.path("spec").path("source").path("path").asString().equals("charts/ndjson-parquet")) {
                String rendered = Chart.templateWith(Yaml.write(app.path("spec").path("source").path("helm").path("valuesObject")));
                assertEquals(namespace.path("metadata").path("name").asString(),
                        Chart.sparkApplicationTemplate(Yaml.readAll(rendered)).path("metadata").path("namespace").asString());
                assertTrue(Chart.ofKind(Yaml.readAll(rendered), "Namespace").isEmpty(), "one owner of the job namespace");
            }
        }
    }

    @Test
    void kedasRoleReadsTheQueueTheScaledObjectReads() throws IOException {
        String keda = Files.readString(DIR.resolve("apps/keda.yaml"));
        assertTrue(keda.contains("sqs:GetQueueAttributes on the ingest queue"), keda);
        JsonNode pipeline = applications().stream().filter(a -> a.path("metadata").path("name").asString().equals("ndjson-parquet")
                && a.path("metadata").path("annotations").has("argocd.argoproj.io/sync-wave")).findFirst().orElseThrow();
        JsonNode values = pipeline.path("spec").path("source").path("helm").path("valuesObject");
        JsonNode scaled = Chart.find(Yaml.readAll(Chart.templateWith(Yaml.write(values))), "ScaledObject", Chart.RELEASE + "-placeholder");
        for (JsonNode t : scaled.path("spec").path("triggers")) {
            assertEquals(values.path("queues").path("ingestUrl").asString(), t.path("metadata").path("queueURL").asString());
        }
    }

    @Test
    void sparkOperatorWatchesTheJobNamespaceTheChartRenders() throws IOException {
        JsonNode operator = null;
        JsonNode pipeline = null;
        for (JsonNode app : applications()) {
            String name = app.path("metadata").path("name").asString();
            if (name.equals("spark-operator")) {
                operator = app;
            } else if (name.equals("ndjson-parquet") && app.path("metadata").path("annotations").has("argocd.argoproj.io/sync-wave")) {
                pipeline = app;
            }
        }
        assertTrue(operator != null && pipeline != null, "apps/ holds both");
        String rendered = Chart.templateWith(Yaml.write(pipeline.path("spec").path("source").path("helm").path("valuesObject")));
        String jobNs = Chart.sparkApplicationTemplate(Yaml.readAll(rendered)).path("metadata").path("namespace").asString();
        java.util.List<String> watched = new java.util.ArrayList<>();
        operator.path("spec").path("source").path("helm").path("valuesObject").path("spark").path("jobNamespaces")
                .forEach(n -> watched.add(n.asString()));
        assertTrue(watched.contains(jobNs), "spark-operator watches " + watched + ", the applications go to " + jobNs);
    }
}
