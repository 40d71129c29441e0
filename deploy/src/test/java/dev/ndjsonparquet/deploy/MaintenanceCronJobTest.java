package dev.ndjsonparquet.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.controller.maintain.MaintainSettings;
import dev.ndjsonparquet.settings.Setting;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * The maintain CronJob: rendered when the output is Iceberg on a catalog that does not maintain itself (or when asked),
 * never for S3 Tables or plain Parquet; strict-valid against batch/v1; runs {@code maintain} in the controller image
 * as a non-root, restricted pod with its own ServiceAccount, no API token and no static keys; its ConfigMap speaks
 * maintain's declared settings and follows the dispatcher's and builder's values.
 */
class MaintenanceCronJobTest {

    private static final String NAME = Chart.RELEASE + "-maintain";

    private static List<JsonNode> cronJobs(Path... values) {
        return Chart.ofKind(Chart.render(values), "CronJob");
    }

    @Test
    void renderedOnlyWhereTheCatalogDoesNotMaintainItself() {
        assertEquals(0, cronJobs().size(), "plain Parquet (the default): nothing to maintain");
        assertEquals(1, cronJobs(Chart.values("iceberg-glue.yaml")).size(), "auto: Iceberg on Glue");
        assertEquals(0, cronJobs(Chart.values("iceberg-s3tables.yaml")).size(), "auto: S3 Tables maintains itself");
        assertEquals(1, cronJobs(Chart.values("all-on.yaml")).size(), "enabled: true");
        assertEquals(0, Chart.ofKind(Chart.render(), "ServiceAccount").stream()
                .filter(sa -> sa.path("metadata").path("name").asString().equals(NAME)).count());
    }

    @ParameterizedTest
    @ValueSource(strings = {"iceberg-glue.yaml", "iceberg-s3tables.yaml", "all-on.yaml"})
    void everyObjectIsStrictValid(String variant) {
        List<String> problems = new ArrayList<>();
        for (JsonNode o : Chart.render(Chart.values(variant))) {
            for (String e : SchemaValidationTest.errorsOf(o)) {
                problems.add(o.path("kind").asString() + " " + o.path("metadata").path("name").asString() + ": " + e);
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void aTypoInTheCronJobIsCaught() {
        JsonNode job = cronJobs(Chart.values("iceberg-glue.yaml")).get(0).deepCopy();
        ((tools.jackson.databind.node.ObjectNode) job.path("spec")).put("concurencyPolicy", "Forbid");
        assertFalse(SchemaValidationTest.errorsOf(job).isEmpty(), "strict validation of batch/v1 catches an unknown field");
    }

    @Test
    void runsMaintainInTheControllerImageRestrictedWithItsOwnServiceAccountAndNoToken() {
        List<JsonNode> objects = Chart.render(Chart.values("iceberg-glue.yaml"));
        JsonNode cron = Chart.find(objects, "CronJob", NAME);
        assertEquals("Forbid", cron.path("spec").path("concurrencyPolicy").asString());
        JsonNode pod = cron.path("spec").path("jobTemplate").path("spec").path("template").path("spec");
        assertEquals(NAME, pod.path("serviceAccountName").asString());
        assertFalse(pod.path("automountServiceAccountToken").asBoolean(true), "no Kubernetes API token");
        assertEquals("Never", pod.path("restartPolicy").asString());
        JsonNode container = pod.path("containers").get(0);
        assertEquals(List.of("maintain"), List.of(container.path("args").get(0).asString()));
        JsonNode dispatcher = Chart.find(objects, "Deployment", Chart.RELEASE + "-dispatcher");
        assertEquals(dispatcher.path("spec").path("template").path("spec").path("containers").get(0).path("image").asString(),
                container.path("image").asString(), "the controller image");
        List<JsonNode> contexts = List.of(container.path("securityContext"));
        assertEquals(List.of(), PodSecurityTest.restrictedViolations(NAME, pod.path("securityContext"), contexts));
        assertTrue(container.path("resources").path("limits").has("memory"));

        // No static keys: the only variable not from the ConfigMap is the catalog's properties, from a Secret.
        List<String> env = new ArrayList<>();
        container.path("env").forEach(e -> env.add(e.path("name").asString() + "<-"
                + e.path("valueFrom").path("secretKeyRef").path("name").asString() + ":"
                + e.path("valueFrom").path("secretKeyRef").path("key").asString()));
        assertEquals(List.of("ICEBERG_CATALOG_PROPERTIES<-iceberg-catalog:properties"), env);
        JsonNode cm = Chart.find(objects, "ConfigMap", NAME);
        cm.path("data").properties().forEach(e -> assertFalse(e.getKey().startsWith("AWS_ACCESS") || e.getKey().startsWith("AWS_SECRET"),
                e.getKey()));

        JsonNode sa = Chart.find(objects, "ServiceAccount", NAME);
        assertEquals("arn:aws:iam::123456789012:role/ndjson-parquet-maintain",
                sa.path("metadata").path("annotations").path("eks.amazonaws.com/role-arn").asString());
        assertFalse(sa.path("automountServiceAccountToken").asBoolean(true));
        // It is bound to no Role: maintain calls no Kubernetes API.
        for (String kind : List.of("RoleBinding", "ClusterRoleBinding")) {
            for (JsonNode b : Chart.ofKind(objects, kind)) {
                b.path("subjects").forEach(s -> assertFalse(s.path("name").asString().equals(NAME), kind + " binds " + NAME));
            }
        }
        // Its NetworkPolicy admits nothing and lets out only DNS, HTTPS and the Pod Identity agent.
        JsonNode np = Chart.find(objects, "NetworkPolicy", NAME);
        assertEquals(0, np.path("spec").path("ingress").size());
        assertEquals("maintain", np.path("spec").path("podSelector").path("matchLabels").path("app.kubernetes.io/component").asString());
    }

    @Test
    void itsConfigMapSpeaksMaintainsSettingsAndFollowsTheDispatchersValues() {
        List<JsonNode> objects = Chart.render(Chart.values("all-on.yaml"));
        JsonNode data = Chart.find(objects, "ConfigMap", NAME).path("data");
        Set<String> declared = new TreeSet<>();
        for (Setting<?> s : MaintainSettings.ALL) {
            declared.add(s.env());
        }
        Set<String> unknown = new TreeSet<>();
        data.properties().forEach(e -> unknown.add(e.getKey()));
        unknown.removeAll(declared);
        unknown.remove("JAVA_TOOL_OPTIONS");
        assertEquals(Set.of(), unknown, "variables maintain does not read");
        Set<String> missing = new TreeSet<>(declared);
        data.properties().forEach(e -> missing.remove(e.getKey()));
        assertEquals(Set.of("ICEBERG_CATALOG_PROPERTIES"), missing, "every setting is exposed (the secret one by secretKeyRef)");
        List<String> refused = new ArrayList<>();
        for (Setting<?> s : MaintainSettings.ALL) {
            String v = data.path(s.env()).asString("");
            if (!v.isEmpty()) {
                try {
                    s.parse(v);
                } catch (IllegalArgumentException e) {
                    refused.add(s.env() + ": " + e.getMessage());
                }
            }
        }
        assertEquals(List.of(), refused);
        JsonNode dispatcher = Chart.find(objects, "ConfigMap", Chart.RELEASE + "-dispatcher").path("data");
        JsonNode builder = Chart.find(objects, "ConfigMap", Chart.RELEASE + "-builder").path("data");
        for (String key : List.of("MAX_ATTEMPTS", "RETRY_BACKOFF_SECONDS", "RUN_LIMIT_MB_PER_SECOND", "RUN_LIMIT_MINIMUM_SECONDS")) {
            assertEquals(dispatcher.path(key).asString(), data.path(key).asString(), key);
        }
        for (String key : List.of("MAX_BATCH_SIZE_GB", "OUTPUT_LOCATION")) {
            assertEquals(builder.path(key).asString(), data.path(key).asString(), key);
        }
        assertEquals("720", data.path("SNAPSHOT_RETENTION_HOURS").asString());
        // The chart's defaults are maintain's (an empty value means the declared default).
        JsonNode glue = Chart.find(Chart.render(Chart.values("iceberg-glue.yaml")), "ConfigMap", NAME).path("data");
        Map<String, Object> defaults = Map.of("METADATA_PREVIOUS_VERSIONS_MAX", 20, "BAD_RECORDS_TARGET_FILE_SIZE_MB", 128,
                "REMOVE_ORPHAN_FILES", true);
        for (Setting<?> s : MaintainSettings.ALL) {
            if (defaults.containsKey(s.env())) {
                assertEquals(s.defaultValue(), s.parse(glue.path(s.env()).asString()), s.env());
                assertEquals(defaults.get(s.env()), s.defaultValue(), s.env());
            }
        }
        assertEquals("", glue.path("SNAPSHOT_RETENTION_HOURS").asString(), "empty: the computed minimum");
    }
}
