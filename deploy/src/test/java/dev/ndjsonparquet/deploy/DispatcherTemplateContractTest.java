package dev.ndjsonparquet.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.controller.dispatch.ApplicationTemplate;
import dev.ndjsonparquet.manifest.ExecutorSizing;
import dev.ndjsonparquet.controller.dispatch.SparkApplicationBuilder;
import dev.ndjsonparquet.controller.k8s.SparkApplication;
import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestFile;
import dev.ndjsonparquet.testsupport.CrdSchemaValidator;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * The chart's SparkApplication template, read by the dispatcher's own code: it passes the start-up check, and
 * the application the dispatcher builds from it for a real manifest keeps every field of the template and
 * validates strictly against spark-operator's CRD.
 */
class DispatcherTemplateContractTest {

    private static final long GIB = 1024L * 1024 * 1024;

    @ParameterizedTest
    @ValueSource(strings = {"defaults", "all-on.yaml"})
    void theDispatcherBuildsValidApplicationsFromTheChartsTemplate(String variant) {
        Path[] values = variant.equals("defaults") ? new Path[0] : new Path[] {Chart.values(variant)};
        List<JsonNode> objects = Chart.render(values);
        JsonNode templateNode = Chart.sparkApplicationTemplate(objects);
        String yaml = Chart.find(objects, "ConfigMap", Chart.RELEASE + "-sparkapplication").path("data").path("sparkapplication.yaml").asString();
        ApplicationTemplate template = ApplicationTemplate.of("chart", yaml);
        assertEquals(List.of(), template.problems());

        JsonNode settings = Chart.find(objects, "ConfigMap", Chart.RELEASE + "-dispatcher").path("data");
        ExecutorSizing sizing = new ExecutorSizing(Double.parseDouble(settings.path("BYTES_PER_EXECUTOR_GB").asString()),
                Integer.parseInt(settings.path("MIN_EXECUTORS").asString()), Integer.parseInt(settings.path("MAX_EXECUTORS").asString()));
        List<ManifestFile> files = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            files.add(new ManifestFile("s3://example-landing/events/part-" + i + ".ndjson", 4 * GIB, "etag" + i));
        }
        Manifest manifest = Manifest.of(Instant.parse("2026-11-26T00:00:00Z"), files, "s3a://example-parquet/out/", null);
        String namespace = settings.path("JOB_NAMESPACE").asString();
        SparkApplication app = new SparkApplicationBuilder(template, sizing, List.of(), namespace)
                .build(new SparkApplicationBuilder.Request(manifest, "s3://example-pipeline/manifests/" + manifest.manifestId() + ".json", "m-1", 1));
        JsonNode built = Yaml.read(new KubernetesSerialization().asYaml(app));

        CrdSchemaValidator.forSharedCrd("sparkoperator.k8s.io_sparkapplications.yaml").assertValid(built);
        assertEquals(namespace, built.path("metadata").path("namespace").asString());
        assertEquals("ndjson-parquet", built.path("metadata").path("labels").path("app.kubernetes.io/part-of").asString());
        assertEquals(25, built.path("spec").path("executor").path("instances").asInt(), "400 GiB at 16 GiB per executor");
        // The chart has no main class to set (nothing would read it): the application carries the Spark app's own.
        assertFalse(templateNode.path("spec").has("mainClass"), "the template's mainClass would be overwritten");
        assertEquals("dev.ndjsonparquet.spark.ConvertManifest", built.path("spec").path("mainClass").asString());
        assertTrue(Files.isRegularFile(Repo.root().resolve("spark-app/src/main/java/dev/ndjsonparquet/spark/ConvertManifest.java")),
                "the main class the dispatcher sets exists in spark-app");
        // Nothing of the template is lost on the way through the typed model.
        for (String field : List.of("sparkConf", "hadoopConf", "volumes", "restartPolicy", "timeToLiveSeconds", "image", "sparkVersion")) {
            assertEquals(templateNode.path("spec").path(field), built.path("spec").path(field), field);
        }
        for (String role : List.of("driver", "executor")) {
            for (String field : List.of("nodeSelector", "tolerations", "priorityClassName", "serviceAccount", "podSecurityContext",
                    "securityContext", "volumeMounts", "cores", "memory", "memoryOverhead", "terminationGracePeriodSeconds")) {
                assertEquals(templateNode.path("spec").path(role).path(field), built.path("spec").path(role).path(field), role + "." + field);
            }
        }
    }
}
