package dev.ndjsonparquet.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import dev.ndjsonparquet.controller.dispatch.ApplicationTemplate;
import dev.ndjsonparquet.manifest.ExecutorSizing;
import dev.ndjsonparquet.controller.dispatch.Labels;
import dev.ndjsonparquet.controller.dispatch.SparkApplicationBuilder;
import dev.ndjsonparquet.controller.k8s.SparkApplication;
import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestFile;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * What GitOps tools and a second release see: SparkApplications the dispatcher creates carry no label a GitOps
 * tool tracks (ArgoCD would prune them as its own), two releases sharing a job namespace select only their own
 * applications, image tags are released versions, and the chart renders without a cluster.
 */
class GitOpsTest {

    private static SparkApplicationBuilder builderFor(String release, String jobNamespace) {
        String yaml = new Helm(Repo.chart()).template().withName(release).withNamespace("pipelines").withKubeVersion(Chart.KUBE_VERSION)
                .set("spark.namespace", jobNamespace).call();
        JsonNode cm = Chart.find(Yaml.readAll(yaml), "ConfigMap", release + "-ndjson-parquet-sparkapplication");
        return new SparkApplicationBuilder(ApplicationTemplate.of(release, cm.path("data").path("sparkapplication.yaml").asString()),
                new ExecutorSizing(16, 1, 40), List.of(), jobNamespace);
    }

    private static SparkApplication build(SparkApplicationBuilder builder) {
        Manifest m = Manifest.of(Instant.parse("2026-11-26T00:00:00Z"),
                List.of(new ManifestFile("s3://landing/events/a.ndjson", 1L << 30, "e1")), "s3a://out/", null);
        return builder.build(new SparkApplicationBuilder.Request(m, "s3://pipeline/manifests/m.json", null, 1));
    }

    @Test
    void sparkApplicationsCarryNoArgoCdTrackingLabel() {
        SparkApplication app = build(builderFor("blue", "shared-jobs"));
        assertFalse(app.getMetadata().getLabels().containsKey("app.kubernetes.io/instance"),
                "ArgoCD label tracking would prune running jobs it did not create: " + app.getMetadata().getLabels());
        assertTrue(app.getMetadata().getOwnerReferences() == null || app.getMetadata().getOwnerReferences().isEmpty());
        assertEquals("blue", app.getMetadata().getLabels().get(Labels.RELEASE));
        JsonNode template = Chart.sparkApplicationTemplate(Chart.render(Chart.values("all-on.yaml")));
        assertFalse(template.toString().contains("app.kubernetes.io/instance"), "nor do its pods");
    }

    @Test
    void twoReleasesSharingAJobNamespaceSelectOnlyTheirOwnApplications() {
        SparkApplicationBuilder blue = builderFor("blue", "shared-jobs");
        SparkApplicationBuilder green = builderFor("green", "shared-jobs");
        Map<String, String> blueSelector = blue.ownedSelector();
        Map<String, String> greenSelector = green.ownedSelector();
        assertNotEquals(blueSelector, greenSelector);
        SparkApplication blueApp = build(blue);
        SparkApplication greenApp = build(green);
        assertTrue(matches(blueSelector, blueApp) && matches(greenSelector, greenApp), "each selects its own");
        assertFalse(matches(blueSelector, greenApp), "blue would count and trim green's application");
        assertFalse(matches(greenSelector, blueApp), "green would count and trim blue's application");
    }

    private static boolean matches(Map<String, String> selector, SparkApplication app) {
        return app.getMetadata().getLabels().entrySet().containsAll(selector.entrySet());
    }

    @Test
    void imageTagsAreAReleasedVersion() {
        String rendered = Chart.template();
        assertFalse(rendered.contains("SNAPSHOT"), "a -SNAPSHOT tag names no published image");
        JsonNode app = Chart.sparkApplicationTemplate(Chart.render());
        assertTrue(app.path("spec").path("image").asString().matches(".+:[0-9]+\\.[0-9]+\\.[0-9]+"), app.path("spec").path("image").asString());
    }

    @Test
    void theChartRendersWithoutAClusterOrAKubeVersion() throws IOException {
        // helm template with no cluster uses Helm's built-in Kubernetes version: kubeVersion must not refuse it.
        String rendered = new Helm(Repo.chart()).template().withName(Chart.RELEASE).withNamespace(Chart.NAMESPACE).call();
        assertTrue(rendered.contains("kind: SparkApplication") || rendered.contains("sparkapplication.yaml"));
        String chartYaml = Files.readString(Repo.chart().resolve("Chart.yaml"));
        assertFalse(chartYaml.contains("\nkubeVersion:"), "a kubeVersion constraint refuses Helm's client-only default (1.20)");
        String min = chartYaml.replaceAll("(?s).*ndjson-parquet.dev/minimum-kubernetes: \"([0-9.]+)\".*", "$1");
        assertTrue(min.matches("1\\.[0-9]+"), min);
        assertTrue(Files.readString(Repo.root().resolve("README.md")).contains("Kubernetes " + min),
                "the README states the minimum Kubernetes version " + min);
    }

    @Test
    void theArgoCdExampleSaysWhichTrackingToUse() throws IOException {
        String readme = Files.readString(Repo.root().resolve("examples/argocd/README.md"));
        assertTrue(readme.contains("resourceTrackingMethod") && readme.contains("annotation"), "tracking method");
        assertTrue(readme.contains("ndjson-parquet.dev/release"), "names the label the applications carry instead");
    }
}
