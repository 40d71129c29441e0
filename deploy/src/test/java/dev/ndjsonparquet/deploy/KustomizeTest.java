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
    }
}
