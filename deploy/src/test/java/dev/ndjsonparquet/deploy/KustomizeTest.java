package dev.ndjsonparquet.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import dev.ndjsonparquet.controller.dispatch.ApplicationTemplate;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code kubectl kustomize} (offline) builds manifests/k8s and the example overlay; skipped where kubectl is absent. */
class KustomizeTest {

    private static String kustomize(Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize timed out");
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    private static boolean kubectlOnPath() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "kubectl"))) {
                return true;
            }
        }
        return false;
    }

    /** The one ConfigMap whose name is {@code name} plus kustomize's content hash. */
    private static JsonNode hashed(List<JsonNode> objects, String name) {
        List<JsonNode> found = Chart.ofKind(objects, "ConfigMap").stream()
                .filter(c -> c.path("metadata").path("name").asString().matches(java.util.regex.Pattern.quote(name) + "-[a-z0-9]{10}")).toList();
        assertEquals(1, found.size(), "ConfigMap " + name + "-<hash>");
        return found.get(0);
    }

    private static JsonNode template(List<JsonNode> objects) {
        return Yaml.read(hashed(objects, Chart.RELEASE + "-sparkapplication").path("data").path("sparkapplication.yaml").asString());
    }

    @Test
    void theRawManifestsAndTheOverlayBuild() throws Exception {
        assumeTrue(kubectlOnPath(), "kubectl is not installed");
        List<JsonNode> base = Yaml.readAll(kustomize(Repo.manifests()));
        List<JsonNode> chart = Chart.render();
        assertEquals(chart.size() + 2, base.size(), "the chart's objects and the two Namespaces");
        // The generated ConfigMaps hold what the chart renders.
        for (String name : GeneratedFilesTest.GENERATED_CONFIG_MAPS.keySet()) {
            assertEquals(Chart.find(chart, "ConfigMap", name).path("data"), hashed(base, name).path("data"), name);
            assertEquals(Chart.find(chart, "ConfigMap", name).path("metadata").path("labels"), hashed(base, name).path("metadata").path("labels"));
        }
        List<JsonNode> overlay = Yaml.readAll(kustomize(Repo.root().resolve("examples/kustomize-overlay")));
        assertEquals(base.size(), overlay.size());
        JsonNode settings = hashed(overlay, Chart.RELEASE + "-builder");
        assertTrue(settings.path("data").path("INGEST_QUEUE_URL").asString().startsWith("https://sqs."));
        // The SparkApplication template the dispatcher mounts carries this environment's image and region: without
        // them every run pulls the default image, fails and is dead-lettered.
        JsonNode template = template(overlay);
        assertEquals("123456789012.dkr.ecr.eu-west-1.amazonaws.com/ndjson-parquet/spark:0.1.0", template.path("spec").path("image").asString());
        assertEquals("eu-west-1", template.path("spec").path("hadoopConf").path("fs.s3a.endpoint.region").asString());
        assertEquals(List.of(), ApplicationTemplate.of("overlay", hashed(overlay, Chart.RELEASE + "-sparkapplication")
                .path("data").path("sparkapplication.yaml").asString()).problems());
        // Everything else is the chart's template.
        JsonNode chartTemplate = Chart.sparkApplicationTemplate(chart);
        for (String field : List.of("driver", "executor", "sparkConf", "restartPolicy", "volumes")) {
            assertEquals(chartTemplate.path("spec").path(field), template.path("spec").path(field), field);
        }
        JsonNode scaled = Chart.find(overlay, "ScaledObject", Chart.RELEASE + "-placeholder");
        assertTrue(scaled.path("spec").path("triggers").get(0).path("metadata").path("queueURL").asString().endsWith("/ndjson-ingest"));
        for (String sa : List.of("-spark-driver", "-spark-executor")) {
            assertTrue(Chart.find(overlay, "ServiceAccount", Chart.RELEASE + sa).path("metadata").path("annotations")
                    .path("eks.amazonaws.com/role-arn").asString().endsWith("role/ndjson-parquet-spark"), sa);
        }
        assertEquals(List.of(), danglingReferences(base));
        assertEquals(List.of(), danglingReferences(overlay));
    }

    /**
     * A changed setting rolls the pods: the overlay's ConfigMaps are generated with a hash of their content in their
     * name, so the Deployment's pod template (its envFrom) changes with them. With patches it did not, and the chart's
     * checksum annotation, computed from the default values, never changed either.
     */
    @Test
    void aChangedSettingInTheOverlayRollsTheControllerPods() throws Exception {
        assumeTrue(kubectlOnPath(), "kubectl is not installed");
        Path copy = Files.createTempDirectory("kustomize-");
        try {
            Chart.copyTree(Repo.manifests(), copy.resolve("manifests/k8s"));
            Chart.copyTree(Repo.root().resolve("examples/kustomize-overlay"), copy.resolve("examples/kustomize-overlay"));
            Path overlay = copy.resolve("examples/kustomize-overlay");
            JsonNode before = Chart.find(Yaml.readAll(kustomize(overlay)), "Deployment", Chart.RELEASE + "-builder");
            Path kustomization = overlay.resolve("kustomization.yaml");
            String text = Files.readString(kustomization);
            assertTrue(text.contains("- LEDGER_LOCATION=s3://pipeline/ledger/"));
            Files.writeString(kustomization, text.replace("- LEDGER_LOCATION=s3://pipeline/ledger/", "- LEDGER_LOCATION=s3://pipeline/ledger-v2/"));
            List<JsonNode> after = Yaml.readAll(kustomize(overlay));
            JsonNode builder = Chart.find(after, "Deployment", Chart.RELEASE + "-builder");
            String ref = envFrom(builder);
            assertTrue(!ref.equals(envFrom(before)), "the pod template changes, so the Deployment rolls its pods");
            assertEquals("s3://pipeline/ledger-v2/", Chart.find(after, "ConfigMap", ref).path("data").path("LEDGER_LOCATION").asString());
            assertEquals(envFrom(Chart.find(Yaml.readAll(kustomize(overlay)), "Deployment", Chart.RELEASE + "-dispatcher")),
                    envFrom(Chart.find(Yaml.readAll(kustomize(Repo.root().resolve("examples/kustomize-overlay"))), "Deployment",
                            Chart.RELEASE + "-dispatcher")), "the dispatcher's settings did not change: its pods stay");
        } finally {
            try (var walk = Files.walk(copy)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String envFrom(JsonNode deployment) {
        return deployment.path("spec").path("template").path("spec").path("containers").get(0).path("envFrom").get(0)
                .path("configMapRef").path("name").asString();
    }

    /** ConfigMaps a Deployment refers to that the build does not contain. */
    private static List<String> danglingReferences(List<JsonNode> objects) {
        java.util.Set<String> configMaps = new java.util.HashSet<>();
        Chart.ofKind(objects, "ConfigMap").forEach(c -> configMaps.add(c.path("metadata").path("name").asString()));
        List<String> dangling = new java.util.ArrayList<>();
        for (JsonNode d : Chart.ofKind(objects, "Deployment")) {
            JsonNode spec = d.path("spec").path("template").path("spec");
            spec.path("containers").forEach(c -> c.path("envFrom").forEach(e -> {
                String name = e.path("configMapRef").path("name").asString("");
                if (!name.isEmpty() && !configMaps.contains(name)) {
                    dangling.add(d.path("metadata").path("name").asString() + " -> " + name);
                }
            }));
            spec.path("volumes").forEach(v -> {
                String name = v.path("configMap").path("name").asString("");
                if (!name.isEmpty() && !configMaps.contains(name)) {
                    dangling.add(d.path("metadata").path("name").asString() + " -> " + name);
                }
            });
        }
        return dangling;
    }
}
