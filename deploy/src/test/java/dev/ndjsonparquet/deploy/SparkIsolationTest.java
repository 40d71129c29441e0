package dev.ndjsonparquet.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * Issue 11: Spark pods run input from a queue, so they are kept away from the controllers. Checked on the rendered
 * objects: the default job namespace is not the controllers' one, executors carry no Kubernetes API token, the
 * driver's Role is what Spark's driver needs in the job namespace only, and no Spark identity is bound anywhere
 * in the controllers' namespace or cluster-wide. With network policies on, Spark pods accept traffic only from
 * their own namespace and metrics scrapes.
 */
class SparkIsolationTest {

    private static Path[] valuesFor(String variant) {
        return variant.equals("defaults") ? new Path[0] : new Path[] {Chart.values(variant)};
    }

    @ParameterizedTest
    @ValueSource(strings = {"defaults", "all-on.yaml"})
    void sparkPodsRunInTheirOwnNamespaceWithNoWayToTheControllers(String variant) throws java.io.IOException {
        List<JsonNode> objects = Chart.render(valuesFor(variant));
        JsonNode app = Chart.sparkApplicationTemplate(objects);
        String jobNs = app.path("metadata").path("namespace").asString();
        assertNotEquals(Chart.NAMESPACE, jobNs, "Spark pods must not share the controllers' namespace");
        // The chart creates the job namespace when asked (spark.createNamespace); by default it is the one install
        // step 4 applies before spark-operator (manifests/k8s/namespace.yaml).
        List<JsonNode> namespaces = new java.util.ArrayList<>(Chart.ofKind(objects, "Namespace"));
        if (namespaces.isEmpty()) {
            namespaces.addAll(Yaml.readAll(Files.readString(Repo.manifests().resolve("namespace.yaml"))));
        }
        JsonNode ns = Chart.find(namespaces, "Namespace", jobNs);
        assertEquals("restricted", ns.path("metadata").path("labels").path("pod-security.kubernetes.io/enforce").asString());
        assertEquals(jobNs, Chart.find(objects, "ConfigMap", Chart.RELEASE + "-dispatcher").path("data").path("JOB_NAMESPACE").asString());

        String driverSa = app.path("spec").path("driver").path("serviceAccount").asString();
        String executorSa = app.path("spec").path("executor").path("serviceAccount").asString();
        assertNotEquals(driverSa, executorSa, "executors must not share the driver's identity");
        for (String sa : List.of(driverSa, executorSa)) {
            assertEquals(jobNs, Chart.find(objects, "ServiceAccount", sa).path("metadata").path("namespace").asString());
            // Nothing grants a Spark identity anything outside the job namespace.
            for (String grant : RbacTest.grantsOf(objects, jobNs, sa)) {
                assertTrue(grant.startsWith(jobNs + "|"), sa + " may " + grant);
            }
            // Nor do the controllers' own identities have a binding that a Spark account shares.
            assertTrue(RbacTest.grantsOf(objects, Chart.NAMESPACE, sa).isEmpty(), sa);
        }
        assertTrue(RbacTest.grantsOf(objects, jobNs, executorSa).isEmpty(), "executors have no Role at all");
        Set<String> driver = RbacTest.grantsOf(objects, jobNs, driverSa);
        assertFalse(driver.isEmpty());
        for (String g : driver) {
            assertTrue(g.matches("[^|]+\\|\\|(pods|services|configmaps|persistentvolumeclaims)\\|\\|[a-z]+"), "driver may " + g);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"defaults", "all-on.yaml"})
    void executorsMountNoApiToken(String variant) {
        List<JsonNode> objects = Chart.render(valuesFor(variant));
        JsonNode app = Chart.sparkApplicationTemplate(objects);
        JsonNode executor = app.path("spec").path("executor");
        JsonNode sa = Chart.find(objects, "ServiceAccount", executor.path("serviceAccount").asString());
        assertFalse(sa.path("automountServiceAccountToken").asBoolean(true), "the executors' ServiceAccount mounts a token");
        // The pod itself says so too (a pod-level false wins over anything the ServiceAccount says).
        assertFalse(executor.path("template").path("spec").path("automountServiceAccountToken").asBoolean(true));
        // The driver keeps its token: it creates its executors.
        assertTrue(app.path("spec").path("driver").path("template").path("spec").path("automountServiceAccountToken").asBoolean(false));
        // Every other pod the chart makes in the job namespace is token-less too.
        for (JsonNode d : Chart.ofKind(objects, "Deployment")) {
            if (d.path("metadata").path("namespace").asString().equals(app.path("metadata").path("namespace").asString())) {
                assertFalse(d.path("spec").path("template").path("spec").path("automountServiceAccountToken").asBoolean(true),
                        d.path("metadata").path("name").asString());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"all-on.yaml"})
    void withNetworkPoliciesSparkPodsAcceptOnlyTheirNamespaceAndScrapes(String variant) {
        List<JsonNode> objects = Chart.render(valuesFor(variant));
        String jobNs = Chart.sparkApplicationTemplate(objects).path("metadata").path("namespace").asString();
        JsonNode policy = Chart.find(objects, "NetworkPolicy", Chart.RELEASE + "-spark");
        assertEquals(jobNs, policy.path("metadata").path("namespace").asString());
        assertEquals(Chart.RELEASE, policy.path("spec").path("podSelector").path("matchLabels").path("ndjson-parquet.dev/release").asString());
        for (JsonNode rule : policy.path("spec").path("ingress")) {
            for (JsonNode from : rule.path("from")) {
                assertFalse(from.has("ipBlock"), "ingress from outside the cluster");
                if (from.has("podSelector") && !from.has("namespaceSelector")) {
                    continue; // the job namespace itself
                }
                assertEquals(4040, rule.path("ports").get(0).path("port").asInt(), "only scrapes come from elsewhere: " + from);
            }
        }
        for (JsonNode rule : policy.path("spec").path("egress")) {
            for (JsonNode to : rule.path("to")) {
                assertFalse(to.toString().contains(Chart.NAMESPACE + "\""), "egress to the controllers' namespace: " + to);
            }
        }
    }
}
