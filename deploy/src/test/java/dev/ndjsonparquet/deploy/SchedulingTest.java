package dev.ndjsonparquet.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/** Spot-aware scheduling: drivers on on-demand nodes, executors and placeholders on spot, priorities in order, KEDA pre-warming. */
class SchedulingTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "eks,       eks.amazonaws.com/capacityType, ON_DEMAND, SPOT",
        "karpenter, karpenter.sh/capacity-type,     on-demand, spot"})
    void driversGoOnDemandAndExecutorsAndPlaceholdersGoSpot(String scheme, String label, String onDemand, String spot) {
        List<JsonNode> objects = Chart.render(Chart.values("all-on.yaml"), Chart.values(scheme + "-labels.yaml"));
        JsonNode app = Chart.sparkApplicationTemplate(objects);
        assertEquals(Map.of(label, onDemand), fields(app.path("spec").path("driver").path("nodeSelector")));
        assertEquals(Map.of(label, spot), fields(app.path("spec").path("executor").path("nodeSelector")));
        JsonNode placeholder = Chart.find(objects, "Deployment", Chart.RELEASE + "-placeholder");
        assertEquals(Map.of(label, spot), fields(placeholder.path("spec").path("template").path("spec").path("nodeSelector")));
        // Executors and placeholders tolerate the same spot taints, so they land in the same pool.
        assertEquals(app.path("spec").path("executor").path("tolerations"), placeholder.path("spec").path("template").path("spec").path("tolerations"));
    }

    @Test
    void executorsAreDecommissionedWithinTheTwoMinuteSpotNotice() {
        JsonNode app = Chart.sparkApplicationTemplate(Chart.render());
        JsonNode conf = app.path("spec").path("sparkConf");
        assertEquals("true", conf.path("spark.decommission.enabled").asString());
        assertEquals("true", conf.path("spark.storage.decommission.enabled").asString());
        assertEquals("true", conf.path("spark.storage.decommission.shuffleBlocks.enabled").asString());
        int grace = app.path("spec").path("executor").path("terminationGracePeriodSeconds").asInt();
        assertTrue(grace > 0 && grace <= 120, "grace " + grace);
        int forceKill = Integer.parseInt(conf.path("spark.executor.decommission.forceKillTimeout").asString().replace("s", ""));
        assertTrue(forceKill < grace, "Spark must give up on migration before the kubelet kills the pod");
        assertEquals("OnFailure", app.path("spec").path("restartPolicy").path("type").asString());
        assertTrue(app.path("spec").path("restartPolicy").path("onFailureRetries").asInt() >= 1);
    }

    @Test
    void theTemplateFitsTheDispatcherContract() {
        JsonNode app = Chart.sparkApplicationTemplate(Chart.render());
        assertEquals("sparkoperator.k8s.io/v1beta2", app.path("apiVersion").asString());
        assertEquals("Java", app.path("spec").path("type").asString());
        assertEquals("cluster", app.path("spec").path("mode").asString());
        assertEquals("dev.ndjsonparquet.spark.ConvertManifest", app.path("spec").path("mainClass").asString());
        assertEquals("local://" + DockerfileTest.SPARK_APP_JAR, app.path("spec").path("mainApplicationFile").asString());
        assertEquals(DockerfileTest.buildArg("SPARK_VERSION"), app.path("spec").path("sparkVersion").asString());
        assertEquals("ndjson-parquet", app.path("metadata").path("labels").path("app.kubernetes.io/part-of").asString());
        assertFalse(app.path("spec").has("arguments"), "the dispatcher sets the arguments");
        assertFalse(app.path("spec").path("executor").has("instances"), "the dispatcher sizes the executors");
        assertEquals(Chart.RELEASE + "-spark", app.path("spec").path("driver").path("serviceAccount").asString());
        assertEquals("magic", app.path("spec").path("hadoopConf").path("fs.s3a.committer.name").asString());
        assertTrue(app.path("spec").path("hadoopConf").path("fs.s3a.aws.credentials.provider").asString().contains("DefaultCredentialsProvider"));
        JsonNode settings = Chart.find(Chart.render(), "ConfigMap", Chart.RELEASE + "-dispatcher").path("data");
        JsonNode dispatcher = Chart.find(Chart.render(), "Deployment", Chart.RELEASE + "-dispatcher");
        boolean mounted = false;
        for (JsonNode m : dispatcher.path("spec").path("template").path("spec").path("containers").get(0).path("volumeMounts")) {
            mounted |= settings.path("SPARK_APPLICATION_TEMPLATE").asString().equals(m.path("mountPath").asString() + "/sparkapplication.yaml");
        }
        assertTrue(mounted, "SPARK_APPLICATION_TEMPLATE points at the mounted template");
    }

    @Test
    void prioritiesAreDriverOverExecutorOverPlaceholderAndPlaceholdersStayVisibleToTheAutoscaler() {
        List<JsonNode> objects = Chart.render();
        int driver = Chart.find(objects, "PriorityClass", Chart.RELEASE + "-driver").path("value").asInt();
        int executor = Chart.find(objects, "PriorityClass", Chart.RELEASE + "-executor").path("value").asInt();
        JsonNode placeholderClass = Chart.find(objects, "PriorityClass", Chart.RELEASE + "-placeholder");
        int placeholder = placeholderClass.path("value").asInt();
        assertTrue(driver > executor && executor > placeholder, driver + " > " + executor + " > " + placeholder);
        assertTrue(placeholder < 0 && placeholder >= -10, "cluster-autoscaler ignores pods below -10: " + placeholder);
        assertEquals("Never", placeholderClass.path("preemptionPolicy").asString());
        JsonNode app = Chart.sparkApplicationTemplate(objects);
        assertEquals(Chart.RELEASE + "-driver", app.path("spec").path("driver").path("priorityClassName").asString());
        assertEquals(Chart.RELEASE + "-executor", app.path("spec").path("executor").path("priorityClassName").asString());
    }

    @Test
    void placeholdersAreSizedLikeOneExecutorAndScaledByKedaOnTheManifestQueue() {
        List<JsonNode> objects = Chart.render(Chart.values("all-on.yaml"));
        JsonNode placeholder = Chart.find(objects, "Deployment", Chart.RELEASE + "-placeholder");
        assertFalse(placeholder.path("spec").has("replicas"), "KEDA owns the replica count; a fixed one would fight it");
        JsonNode requests = placeholder.path("spec").path("template").path("spec").path("containers").get(0).path("resources").path("requests");
        assertEquals("4", requests.path("cpu").asString(), "spark.executor.cores");
        assertEquals("20480Mi", requests.path("memory").asString(), "16g executor memory + 4g overhead");
        assertEquals(Chart.RELEASE + "-placeholder", placeholder.path("spec").path("template").path("spec").path("priorityClassName").asString());

        JsonNode scaled = Chart.find(objects, "ScaledObject", Chart.RELEASE + "-placeholder");
        assertEquals(0, scaled.path("spec").path("minReplicaCount").asInt(), "an empty queue removes the nodes");
        assertEquals(Chart.RELEASE + "-placeholder", scaled.path("spec").path("scaleTargetRef").path("name").asString());
        JsonNode trigger = scaled.path("spec").path("triggers").get(0);
        assertEquals("aws-sqs-queue", trigger.path("type").asString());
        assertEquals("https://sqs.eu-west-1.amazonaws.com/123456789012/ndjson-manifests", trigger.path("metadata").path("queueURL").asString());
        assertEquals("eu-west-1", trigger.path("metadata").path("awsRegion").asString());
        assertEquals("1", trigger.path("metadata").path("queueLength").asString());
        String auth = trigger.path("authenticationRef").path("name").asString();
        JsonNode triggerAuth = Chart.find(objects, "TriggerAuthentication", auth);
        assertEquals("aws", triggerAuth.path("spec").path("podIdentity").path("provider").asString());
        assertEquals(placeholder.path("metadata").path("namespace"), scaled.path("metadata").path("namespace"));
        assertEquals(placeholder.path("metadata").path("namespace"), triggerAuth.path("metadata").path("namespace"));
    }

    @Test
    void karpenterPoolsSplitSpotExecutorsFromOnDemandDrivers() {
        List<JsonNode> objects = Chart.render(Chart.values("all-on.yaml"));
        JsonNode spot = Chart.find(objects, "NodePool", Chart.RELEASE + "-spot");
        JsonNode onDemand = Chart.find(objects, "NodePool", Chart.RELEASE + "-on-demand");
        assertEquals("spot", requirement(spot, "karpenter.sh/capacity-type"));
        assertEquals("on-demand", requirement(onDemand, "karpenter.sh/capacity-type"));
        assertTrue(spot.path("spec").path("template").path("spec").path("requirements").toString().contains("instance-category"),
                "spot capacity is diversified across instance types");
        assertEquals("WhenEmptyOrUnderutilized", spot.path("spec").path("disruption").path("consolidationPolicy").asString());
        assertEquals("WhenEmpty", onDemand.path("spec").path("disruption").path("consolidationPolicy").asString());
        String nodeClass = spot.path("spec").path("template").path("spec").path("nodeClassRef").path("name").asString();
        Chart.find(objects, "EC2NodeClass", nodeClass);
        assertTrue(Chart.ofKind(Chart.render(), "NodePool").isEmpty(), "Karpenter is off by default");
    }

    private static String requirement(JsonNode nodePool, String key) {
        for (JsonNode r : nodePool.path("spec").path("template").path("spec").path("requirements")) {
            if (r.path("key").asString().equals(key)) {
                return r.path("values").get(0).asString();
            }
        }
        throw new AssertionError("no requirement " + key);
    }

    private static Map<String, String> fields(JsonNode node) {
        Map<String, String> out = new java.util.TreeMap<>();
        node.properties().forEach(e -> out.put(e.getKey(), e.getValue().asString()));
        return out;
    }
}
