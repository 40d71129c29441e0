package dev.ndjsonparquet.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.controller.dispatch.ApacheApplications;
import dev.ndjsonparquet.controller.dispatch.ApplicationTemplate;
import dev.ndjsonparquet.controller.dispatch.SparkApplicationBuilder;
import dev.ndjsonparquet.manifest.ExecutorSizing;
import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestFile;
import dev.ndjsonparquet.testsupport.CrdSchemaValidator;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

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
        java.util.List<String> watched = new ArrayList<>();
        operator.path("spec").path("source").path("helm").path("valuesObject").path("spark").path("jobNamespaces")
                .forEach(n -> watched.add(n.asString()));
        assertTrue(watched.contains(jobNs), "spark-operator watches " + watched + ", the applications go to " + jobNs);
    }

    // ---- the Apache Spark operator variant (apache/) ------------------------------------------------

    private static final Path APACHE = DIR.resolve("apache");

    private static JsonNode read(Path p) {
        try {
            return Yaml.read(Files.readString(p));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** What the Apache root installs: the files it includes from ../apps, and apache/apps. */
    private static Map<String, JsonNode> apacheVariant() throws IOException {
        JsonNode root = read(APACHE.resolve("app-of-apps.yaml"));
        Map<String, JsonNode> byName = new TreeMap<>();
        for (JsonNode source : root.path("spec").path("sources")) {
            Path dir = Repo.root().resolve(source.path("path").asString());
            assertTrue(Files.isDirectory(dir), "the root's source " + dir);
            String include = source.path("directory").path("include").asString("");
            List<String> names = include.isEmpty() ? null
                    : List.of(include.replace("{", "").replace("}", "").split(","));
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.sorted().toList()) {
                    if (names == null || names.contains(f.getFileName().toString())) {
                        JsonNode o = read(f);
                        byName.put(o.path("kind").asString() + "/" + o.path("metadata").path("name").asString(), o);
                    }
                }
            }
            if (names != null) {
                for (String n : names) {
                    assertTrue(Files.isRegularFile(dir.resolve(n)), "an included file that exists: " + n);
                }
            }
        }
        return byName;
    }

    private static int wave(JsonNode o) {
        return Integer.parseInt(o.path("metadata").path("annotations").path("argocd.argoproj.io/sync-wave").asString());
    }

    /**
     * The Apache variant installs the job namespace and KEDA from the same files as the kubeflow one, then the Apache
     * Spark operator from its own chart watching the job namespace the chart renders, then ndjson-parquet with
     * {@code sparkOperator: apache} and otherwise the very values of the kubeflow variant (no copy that drifts).
     */
    @Test
    void theApacheVariantInstallsTheApacheOperatorBeforeThePipelineWithTheSameValues() throws IOException {
        Map<String, JsonNode> objects = apacheVariant();
        assertEquals(Set.of("Application/keda", "Application/ndjson-parquet", "Application/spark-kubernetes-operator",
                "Namespace/ndjson-parquet-jobs"), objects.keySet());
        JsonNode namespace = objects.get("Namespace/ndjson-parquet-jobs");
        JsonNode operator = objects.get("Application/spark-kubernetes-operator");
        JsonNode pipeline = objects.get("Application/ndjson-parquet");
        assertTrue(wave(namespace) < wave(operator) && wave(operator) < wave(pipeline), "namespace, operator, pipeline");
        assertTrue(wave(objects.get("Application/keda")) < wave(pipeline));
        assertEquals("https://apache.github.io/spark-kubernetes-operator", operator.path("spec").path("source").path("repoURL").asString());
        assertEquals("spark-kubernetes-operator", operator.path("spec").path("source").path("chart").asString());

        JsonNode values = pipeline.path("spec").path("source").path("helm").path("valuesObject");
        assertEquals("apache", values.path("sparkOperator").asString());
        JsonNode kubeflow = read(DIR.resolve("apps/ndjson-parquet.yaml")).path("spec").path("source").path("helm").path("valuesObject");
        ObjectNode same = ((ObjectNode) values).deepCopy();
        same.remove("sparkOperator");
        assertEquals(kubeflow, same, "the kubeflow variant's values, sparkOperator aside");

        List<JsonNode> rendered = Yaml.readAll(Chart.templateWith(Yaml.write(values)));
        String jobNs = Chart.sparkApplicationTemplate(rendered).path("metadata").path("namespace").asString();
        assertEquals(namespace.path("metadata").path("name").asString(), jobNs);
        JsonNode watched = operator.path("spec").path("source").path("helm").path("valuesObject").path("workloadResources").path("namespaces");
        List<String> data = new ArrayList<>();
        watched.path("data").forEach(n -> data.add(n.asString()));
        assertEquals(List.of(jobNs), data, "the operator watches the job namespace");
        assertFalse(watched.path("create").asBoolean(true), "the namespace has one owner (wave -2)");
        assertEquals("apache", Chart.find(rendered, "ConfigMap", Chart.RELEASE + "-dispatcher").path("data").path("SPARK_OPERATOR").asString());
    }

    /** The application the dispatcher builds from the Apache variant's chart values is strict-valid against Apache's CRD. */
    @Test
    void theApacheVariantsApplicationsValidateAgainstTheApacheCrd() throws IOException {
        JsonNode values = apacheVariant().get("Application/ndjson-parquet").path("spec").path("source").path("helm").path("valuesObject");
        List<JsonNode> rendered = Yaml.readAll(Chart.templateWith(Yaml.write(values)));
        String yaml = Chart.find(rendered, "ConfigMap", Chart.RELEASE + "-sparkapplication").path("data").path("sparkapplication.yaml").asString();
        ApplicationTemplate template = ApplicationTemplate.of("chart", yaml);
        assertEquals(List.of(), template.problems());
        JsonNode settings = Chart.find(rendered, "ConfigMap", Chart.RELEASE + "-dispatcher").path("data");
        var manifest = Manifest.of(Instant.parse("2026-11-26T00:00:00Z"),
                List.of(new ManifestFile("s3://example-landing/events/a.ndjson", 4L << 30, "e1")),
                "s3a://example-parquet/out/", null);
        var kubeflow = new SparkApplicationBuilder(template,
                new ExecutorSizing(16, 1, 40), List.of(), settings.path("JOB_NAMESPACE").asString())
                .build(new SparkApplicationBuilder.Request(manifest,
                        "s3://example-pipeline/manifests/" + manifest.manifestId() + ".json", "m-1", 1));
        var apache = new ApacheApplications(
                Duration.ofSeconds(Long.parseLong(settings.path("STUCK_TIMEOUT_SECONDS").asString()))).from(kubeflow);
        CrdSchemaValidator.forSharedCrd("sparkapplications.spark.apache.org-v1.yaml")
                .assertValid(Yaml.read(new KubernetesSerialization().asYaml(apache)));
    }
}
