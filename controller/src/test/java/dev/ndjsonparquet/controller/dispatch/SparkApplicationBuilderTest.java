package dev.ndjsonparquet.controller.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.controller.k8s.SparkApplication;
import dev.ndjsonparquet.manifest.ExecutorSizing;
import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.testsupport.CrdSchemaValidator;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SparkApplicationBuilderTest {

    static final CrdSchemaValidator CRD = CrdSchemaValidator.forSharedCrd("sparkoperator.k8s.io_sparkapplications.yaml");
    private static final KubernetesSerialization YAML = new KubernetesSerialization();

    private final Manifest manifest = Fixtures.manifest("s3a://landing/in/", 3, 10 * Fixtures.GIB, "b");

    private SparkApplication build(ApplicationTemplate template, int attempt) {
        return new SparkApplicationBuilder(template, new ExecutorSizing(8, 1, 10), List.of("--output-format", "zstd"), "jobs")
                .build(new SparkApplicationBuilder.Request(manifest, "s3://manifests/m.json", "msg-1", attempt));
    }

    @Test
    void theBuiltInTemplateGivesAValidApplicationWithEverythingTheControllerDecides() {
        SparkApplication app = build(ApplicationTemplate.load(null), 2);
        CRD.assertValid(YAML.asYaml(app));
        assertEquals("np-" + manifest.manifestId() + "-2", app.getMetadata().getName(), "each attempt has its own name");
        assertEquals("np-" + manifest.manifestId(), build(ApplicationTemplate.load(null), 1).getMetadata().getName());
        assertEquals("jobs", app.getMetadata().getNamespace());
        assertEquals(Map.of(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE, Labels.PART_OF, Labels.PART_OF_VALUE,
                Labels.MANIFEST_ID, manifest.manifestId()), app.getMetadata().getLabels());
        Map<String, String> a = app.getMetadata().getAnnotations();
        assertEquals("s3://manifests/m.json", a.get(Labels.MANIFEST_URI));
        assertEquals("3", a.get(Labels.FILE_COUNT));
        assertEquals(Long.toString(30 * Fixtures.GIB), a.get(Labels.TOTAL_BYTES));
        assertEquals("msg-1", a.get(Labels.MESSAGE_ID));
        assertEquals("2", a.get(Labels.ATTEMPT));
        assertEquals(2, SparkApplicationBuilder.attemptOf(app));
        assertEquals(SparkApplicationBuilder.MAIN_CLASS, app.getSpec().getMainClass());
        assertEquals(List.of("--manifest", "s3://manifests/m.json", "--attempt", "2", "--output-format", "zstd"),
                app.getSpec().getArguments(), "the attempt fences a stale driver (contract 1)");
        assertEquals("Java", app.getSpec().getType());
        assertEquals("cluster", app.getSpec().getMode());
        assertEquals(4, app.getSpec().getExecutor().getInstances()); // 30 GiB / 8 GiB, rounded up
        assertEquals(manifest.manifestId(), app.getSpec().getDriver().getLabels().get(Labels.MANIFEST_ID));
    }

    @Test
    void everythingTheOperatorPutsInTheTemplatePassesThroughUntouched() {
        String template = """
                apiVersion: sparkoperator.k8s.io/v1beta2
                kind: SparkApplication
                metadata:
                  name: ignored
                  labels: {team: data}
                  annotations: {owner: ops}
                spec:
                  type: Scala
                  mode: client
                  image: registry.example/spark:1
                  sparkVersion: "4.2.0"
                  mainApplicationFile: local:///opt/spark/jars/app.jar
                  mainClass: wrong.Main
                  timeToLiveSeconds: 3600
                  hadoopConf: {fs.s3a.fast.upload: "true"}
                  sparkConf: {spark.sql.shuffle.partitions: "64"}
                  volumes:
                    - name: tmp
                      emptyDir: {sizeLimit: 20Gi}
                  driver:
                    cores: 1
                    memory: 2g
                    serviceAccount: spark
                    priorityClassName: np-driver
                    nodeSelector: {karpenter.sh/capacity-type: on-demand}
                    tolerations: [{key: dedicated, operator: Equal, value: spark, effect: NoSchedule}]
                    volumeMounts: [{name: tmp, mountPath: /tmp}]
                  executor:
                    instances: 99
                    cores: 4
                    memory: 16g
                    priorityClassName: np-executor
                    labels: {tier: spot}
                """;
        SparkApplication app = build(ApplicationTemplate.of("test", template), 1);
        String yaml = YAML.asYaml(app);
        CRD.assertValid(yaml);
        String plain = yaml.replace("\"", "");
        Map<String, Object> tree = YAML.unmarshal(yaml, Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) tree.get("spec");
        assertEquals(Map.of("fs.s3a.fast.upload", "true"), spec.get("hadoopConf"));
        assertEquals(3600, ((Number) spec.get("timeToLiveSeconds")).intValue());
        assertTrue(plain.contains("priorityClassName: np-driver"), yaml);
        assertTrue(plain.contains("priorityClassName: np-executor"), yaml);
        assertTrue(plain.contains("sizeLimit: 20Gi"), yaml);
        assertTrue(plain.contains("operator: Equal"), yaml);
        assertEquals("data", app.getMetadata().getLabels().get("team"));
        assertEquals("ops", app.getMetadata().getAnnotations().get("owner"));
        assertEquals("spot", app.getSpec().getExecutor().getLabels().get("tier"));
        assertEquals("np-" + manifest.manifestId(), app.getMetadata().getName());
        assertEquals("Java", app.getSpec().getType());
        assertEquals("cluster", app.getSpec().getMode());
        assertEquals(SparkApplicationBuilder.MAIN_CLASS, app.getSpec().getMainClass());
        assertEquals(4, app.getSpec().getExecutor().getInstances());
    }

    @Test
    void eachBuildStartsFromAFreshCopyOfTheTemplate() {
        ApplicationTemplate t = ApplicationTemplate.load(null);
        SparkApplication first = build(t, 1);
        first.getSpec().getSparkConf().put("leak", "x");
        assertTrue(!build(t, 1).getSpec().getSparkConf().containsKey("leak"));
    }

    @Test
    void aTemplateMissingWhatSparkNeedsListsEveryProblem() {
        List<String> problems = ApplicationTemplate.of("bad.yaml", """
                apiVersion: sparkoperator.k8s.io/v1beta1
                kind: SparkApplication
                spec:
                  type: Java
                """).problems();
        assertEquals(6, problems.size(), problems::toString);
        assertTrue(ApplicationTemplate.load(null).problems().isEmpty());
    }
}
