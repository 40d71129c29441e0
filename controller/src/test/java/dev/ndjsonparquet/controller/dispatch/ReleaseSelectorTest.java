package dev.ndjsonparquet.controller.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.controller.k8s.SparkApplication;
import dev.ndjsonparquet.controller.k8s.SparkApplications;
import dev.ndjsonparquet.manifest.ExecutorSizing;
import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.testsupport.SharedDir;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two releases whose dispatchers share one job namespace: each lists (so counts against max-concurrent-runs, adopts
 * and trims) only its own applications, through the label selector the API server applies. A template without a
 * release label (the built-in one) keeps the old selector.
 */
@EnableKubernetesMockClient(crud = true)
class ReleaseSelectorTest {

    static KubernetesClient client;

    @BeforeAll
    static void crd() {
        client.apiextensions().v1().customResourceDefinitions()
                .load(SharedDir.resolve("crds/sparkoperator.k8s.io_sparkapplications.yaml").toFile()).create();
    }

    private static ApplicationTemplate templateOf(String release) throws IOException {
        String builtIn;
        try (InputStream in = ReleaseSelectorTest.class.getResourceAsStream(ApplicationTemplate.BUILT_IN)) {
            builtIn = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String metadata = "\nmetadata:\n  labels:\n";
        assertTrue(builtIn.contains(metadata), "the built-in template's metadata labels moved");
        return ApplicationTemplate.of(release, release == null ? builtIn
                : builtIn.replace(metadata, metadata + "    " + Labels.RELEASE + ": " + release + "\n"));
    }

    private static SparkApplication build(SparkApplicationBuilder builder, String prefix) {
        Manifest m = Fixtures.manifest("s3a://landing/" + prefix + "/", 2, Fixtures.GIB, prefix);
        return builder.build(new SparkApplicationBuilder.Request(m, "s3://manifests/" + prefix + ".json", null, 1));
    }

    private static Set<String> names(List<SparkApplication> apps) {
        return apps.stream().map(a -> a.getMetadata().getName()).collect(Collectors.toSet());
    }

    @Test
    void eachReleaseListsOnlyItsOwnApplications() throws IOException {
        SparkApplications api = new SparkApplications(client, "shared-jobs");
        SparkApplicationBuilder blue = new SparkApplicationBuilder(templateOf("blue"), new ExecutorSizing(16, 1, 10), List.of(), "shared-jobs");
        SparkApplicationBuilder green = new SparkApplicationBuilder(templateOf("green"), new ExecutorSizing(16, 1, 10), List.of(), "shared-jobs");
        SparkApplication blueApp = api.createOrAdopt(build(blue, "b"), Labels.MANIFEST_ID).application();
        SparkApplication greenApp = api.createOrAdopt(build(green, "g"), Labels.MANIFEST_ID).application();
        SparkApplication greenApp2 = api.createOrAdopt(build(green, "h"), Labels.MANIFEST_ID).application();

        assertEquals(Set.of(blueApp.getMetadata().getName()), names(api.list(blue.ownedSelector())));
        assertEquals(Set.of(greenApp.getMetadata().getName(), greenApp2.getMetadata().getName()), names(api.list(green.ownedSelector())));
        // What the old selector saw: everything in the namespace, so blue counted green's runs against its limit.
        assertEquals(3, api.list(Labels.OWNED).size());
        // The built-in template has no release label and keeps the old selector.
        assertEquals(Labels.OWNED, new SparkApplicationBuilder(templateOf(null), new ExecutorSizing(16, 1, 10), List.of(), "x").ownedSelector());
        assertEquals(Map.of(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE, Labels.RELEASE, "blue"), blue.ownedSelector());
    }
}
