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

    @Test
    void theRawManifestsAndTheOverlayBuild() throws Exception {
        assumeTrue(kubectlOnPath(), "kubectl is not installed");
        List<JsonNode> base = Yaml.readAll(kustomize(Repo.manifests()));
        assertEquals(Chart.render().size() + 1, base.size(), "the chart's objects and the Namespace");
        List<JsonNode> overlay = Yaml.readAll(kustomize(Repo.root().resolve("examples/kustomize-overlay")));
        assertEquals(base.size(), overlay.size());
        JsonNode settings = Chart.find(overlay, "ConfigMap", Chart.RELEASE + "-builder");
        assertTrue(settings.path("data").path("INGEST_QUEUE_URL").asString().startsWith("https://sqs."));
        // The SparkApplication template the dispatcher mounts carries this environment's image and region: without
        // them every run pulls the default image, fails and is dead-lettered.
        JsonNode template = Chart.sparkApplicationTemplate(overlay);
        assertEquals("123456789012.dkr.ecr.eu-west-1.amazonaws.com/ndjson-parquet/spark:0.1.0", template.path("spec").path("image").asString());
        assertEquals("eu-west-1", template.path("spec").path("hadoopConf").path("fs.s3a.endpoint.region").asString());
        assertEquals(List.of(), ApplicationTemplate.of("overlay", Chart.find(overlay, "ConfigMap", Chart.RELEASE + "-sparkapplication")
                .path("data").path("sparkapplication.yaml").asString()).problems());
        // Everything else is the chart's template.
        JsonNode chartTemplate = Chart.sparkApplicationTemplate(base);
        for (String field : List.of("driver", "executor", "sparkConf", "restartPolicy", "volumes")) {
            assertEquals(chartTemplate.path("spec").path(field), template.path("spec").path(field), field);
        }
        JsonNode scaled = Chart.find(overlay, "ScaledObject", Chart.RELEASE + "-placeholder");
        assertTrue(scaled.path("spec").path("triggers").get(0).path("metadata").path("queueURL").asString().endsWith("/ndjson-ingest"));
        for (String sa : List.of("-spark-driver", "-spark-executor")) {
            assertTrue(Chart.find(overlay, "ServiceAccount", Chart.RELEASE + sa).path("metadata").path("annotations")
                    .path("eks.amazonaws.com/role-arn").asString().endsWith("role/ndjson-parquet-spark"), sa);
        }
    }
}
