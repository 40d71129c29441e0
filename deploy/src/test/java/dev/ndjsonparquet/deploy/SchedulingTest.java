package dev.ndjsonparquet.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/** Spot-aware scheduling: drivers on on-demand nodes, executors and placeholders on spot, priorities in order, KEDA pre-warming. */
class SchedulingTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "eks,       eks.amazonaws.com/capacityType, ON_DEMAND, SPOT",
        "karpenter, karpenter.sh/capacity-type,     on-demand, spot"})
    void driversGoOnDemandAndExecutorsAndPlaceholdersGoSpot(String scheme, String label, String onDemand, String spot) {
        List<JsonNode> objects = Chart.render(Chart.values(scheme + "-labels.yaml"));
        JsonNode app = Chart.sparkApplicationTemplate(objects);
        assertEquals(Map.of(label, onDemand), fields(app.path("spec").path("driver").path("nodeSelector")));
        assertEquals(Map.of(label, spot), fields(app.path("spec").path("executor").path("nodeSelector")));
        // The pod templates (applied by spark-submit, no webhook) say the same.
        assertEquals(Map.of(label, onDemand), fields(app.path("spec").path("driver").path("template").path("spec").path("nodeSelector")));
        assertEquals(Map.of(label, spot), fields(app.path("spec").path("executor").path("template").path("spec").path("nodeSelector")));
        JsonNode placeholder = Chart.find(objects, "Deployment", Chart.RELEASE + "-placeholder");
        assertEquals(Map.of(label, spot), fields(placeholder.path("spec").path("template").path("spec").path("nodeSelector")));
        // The controllers' placement (not spot, in both label schemes) is PlacementTest's.
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
        assertEquals(grace, app.path("spec").path("executor").path("template").path("spec").path("terminationGracePeriodSeconds").asInt(),
                "the pod template carries the grace period too (no webhook needed)");
        assertTrue(grace > 0 && grace <= 120, "grace " + grace);
        int forceKill = Integer.parseInt(conf.path("spark.executor.decommission.forceKillTimeout").asString().replace("s", ""));
        assertTrue(forceKill < grace, "Spark must give up on migration before the kubelet kills the pod");
    }

    @Test
    void oneOwnerOfRetriesTheDispatcher() {
        // spark-operator's OnFailure x 2 retries times the dispatcher's 3 attempts ran an always-failing manifest 9 times.
        JsonNode app = Chart.sparkApplicationTemplate(Chart.render());
        assertEquals("Never", app.path("spec").path("restartPolicy").path("type").asString());
        assertEquals(1, app.path("spec").path("restartPolicy").size(), "no retry counts next to Never");
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> Chart.templateWith("spark: {restartPolicy: {type: OnFailure, onFailureRetries: 2}}"));
        assertTrue(e.getMessage().contains("restartPolicy"), e.getMessage());
        JsonNode settings = Chart.find(Chart.render(), "ConfigMap", Chart.RELEASE + "-dispatcher").path("data");
        assertEquals("3", settings.path("MAX_ATTEMPTS").asString(), "runs of an always-failing manifest: exactly maxAttempts");
    }

    @Test
    void theTemplateFitsTheDispatcherContract() {
        JsonNode app = Chart.sparkApplicationTemplate(Chart.render());
        assertEquals("sparkoperator.k8s.io/v1beta2", app.path("apiVersion").asString());
        assertEquals("Java", app.path("spec").path("type").asString());
        assertEquals("cluster", app.path("spec").path("mode").asString());
        assertFalse(app.path("spec").has("mainClass"), "the dispatcher sets the main class");
        assertEquals("local://" + DockerfileTest.SPARK_APP_JAR, app.path("spec").path("mainApplicationFile").asString());
        assertEquals(DockerfileTest.buildArg("SPARK_VERSION"), app.path("spec").path("sparkVersion").asString());
        assertEquals("ndjson-parquet", app.path("metadata").path("labels").path("app.kubernetes.io/part-of").asString());
        assertFalse(app.path("spec").has("arguments"), "the dispatcher sets the arguments");
        assertFalse(app.path("spec").path("executor").has("instances"), "the dispatcher sizes the executors");
        assertEquals(Chart.RELEASE + "-spark-driver", app.path("spec").path("driver").path("serviceAccount").asString());
        assertEquals(Chart.RELEASE + "-spark-executor", app.path("spec").path("executor").path("serviceAccount").asString());
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
    void prioritiesAreControllerOverDriverOverExecutorOverPlaceholderAndPlaceholdersStayVisibleToTheAutoscaler() {
        List<JsonNode> objects = Chart.render();
        int controller = Chart.find(objects, "PriorityClass", Chart.RELEASE + "-controller").path("value").asInt();
        int driver = Chart.find(objects, "PriorityClass", Chart.RELEASE + "-driver").path("value").asInt();
        int executor = Chart.find(objects, "PriorityClass", Chart.RELEASE + "-executor").path("value").asInt();
        JsonNode placeholderClass = Chart.find(objects, "PriorityClass", Chart.RELEASE + "-placeholder");
        int placeholder = placeholderClass.path("value").asInt();
        assertTrue(controller > driver && driver > executor && executor > placeholder,
                controller + " > " + driver + " > " + executor + " > " + placeholder);
        // Executors outrank only the placeholders: at most the default priority 0, so they preempt no other workload.
        assertTrue(executor <= 0, "executor priority " + executor);
        for (String role : List.of("dispatcher", "builder")) {
            JsonNode d = Chart.find(objects, "Deployment", Chart.RELEASE + "-" + role);
            assertEquals(Chart.RELEASE + "-controller", d.path("spec").path("template").path("spec").path("priorityClassName").asString(), role);
        }
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> Chart.templateWith("priorityClasses: {executor: {value: 100}}")).getMessage().contains("executor"));
        assertTrue(placeholder < 0 && placeholder >= -10, "cluster-autoscaler ignores pods below -10: " + placeholder);
        assertEquals("Never", placeholderClass.path("preemptionPolicy").asString());
        assertEquals("PreemptLowerPriority", Chart.find(objects, "PriorityClass", Chart.RELEASE + "-executor").path("preemptionPolicy").asString(),
                "executors must preempt the placeholders holding their room");
        JsonNode app = Chart.sparkApplicationTemplate(objects);
        assertEquals(Chart.RELEASE + "-driver", app.path("spec").path("driver").path("priorityClassName").asString());
        assertEquals(Chart.RELEASE + "-executor", app.path("spec").path("executor").path("priorityClassName").asString());
        assertEquals(Chart.RELEASE + "-driver", app.path("spec").path("driver").path("template").path("spec").path("priorityClassName").asString());
        assertEquals(Chart.RELEASE + "-executor", app.path("spec").path("executor").path("template").path("spec").path("priorityClassName").asString());
    }

    /**
     * PriorityClasses are cluster-wide: on shared on-demand nodes (EKS node groups, the default) a driver at 1000 or
     * a controller at 2000 with PreemptLowerPriority would evict other teams' pods. Only executors (over the
     * placeholders) preempt by default; drivers too on the chart's dedicated Karpenter pool; controllers never.
     */
    @Test
    void onlyExecutorsPreemptOnSharedNodesAndDriversOnlyOnTheDedicatedPool() {
        Map<String, String> shared = preemption(Chart.render());
        assertEquals(Map.of("controller", "Never", "driver", "Never", "executor", "PreemptLowerPriority", "placeholder", "Never"), shared);
        Map<String, String> dedicated = preemption(Chart.render(Chart.values("all-on.yaml")));
        assertEquals(Map.of("controller", "Never", "driver", "PreemptLowerPriority", "executor", "PreemptLowerPriority",
                "placeholder", "Never"), dedicated);
        for (JsonNode pc : Chart.ofKind(Chart.render(), "PriorityClass")) {
            if (pc.path("preemptionPolicy").asString().equals("PreemptLowerPriority")) {
                assertTrue(pc.path("value").asInt() <= 0, "a class that preempts on shared nodes outranks only negative priorities: " + pc);
            }
        }
    }

    private static Map<String, String> preemption(List<JsonNode> objects) {
        Map<String, String> out = new java.util.TreeMap<>();
        for (JsonNode pc : Chart.ofKind(objects, "PriorityClass")) {
            out.put(pc.path("metadata").path("name").asString().replace(Chart.RELEASE + "-", ""), pc.path("preemptionPolicy").asString());
        }
        return out;
    }

    @Test
    void consolidationNeverEvictsRunningSparkPods() {
        JsonNode app = Chart.sparkApplicationTemplate(Chart.render(Chart.values("all-on.yaml")));
        for (String role : List.of("driver", "executor")) {
            assertEquals("true", app.path("spec").path(role).path("annotations").path("karpenter.sh/do-not-disrupt").asString(), role);
            assertEquals("true", app.path("spec").path(role).path("template").path("metadata").path("annotations")
                    .path("karpenter.sh/do-not-disrupt").asString(), role);
        }
        JsonNode spot = Chart.find(Chart.render(Chart.values("all-on.yaml")), "NodePool", Chart.RELEASE + "-spot");
        assertEquals("10%", spot.path("spec").path("disruption").path("budgets").get(0).path("nodes").asString());
    }

    /**
     * Karpenter's drain honours karpenter.sh/do-not-disrupt until the pool's terminationGracePeriod and deletes each
     * pod at (bound - its grace), so the pod gets its whole grace before the bound. Without a bound, a spot notice
     * left the executors running until the reclaim killed them two minutes later, decommissioning never started.
     * With it, executors are deleted at the notice, decommission within their grace, and the node is gone before
     * the reclaim. A bound also makes drift drain do-not-disrupt pods: the spot pool's drift budget is zero.
     */
    @ParameterizedTest(name = "executor grace {0} s")
    @ValueSource(ints = {30, 90, 110})
    void onASpotNoticeExecutorsDecommissionWithinTheNoticeAndDriftNeverEvictsThem(int grace) {
        List<JsonNode> objects = Yaml.readAll(Chart.templateWith("spark: {executor: {terminationGracePeriodSeconds: " + grace + "}}\n",
                Chart.values("all-on.yaml")));
        JsonNode spot = Chart.find(objects, "NodePool", Chart.RELEASE + "-spot");
        long bound = seconds(spot.path("spec").path("template").path("spec").path("terminationGracePeriod").asString());
        JsonNode executor = Chart.sparkApplicationTemplate(objects).path("spec").path("executor").path("template").path("spec");
        assertEquals("true", Chart.sparkApplicationTemplate(objects).path("spec").path("executor").path("template")
                .path("metadata").path("annotations").path("karpenter.sh/do-not-disrupt").asString());
        long podGrace = executor.path("terminationGracePeriodSeconds").asLong();
        assertEquals(grace, podGrace);
        long notice = 120;
        long deletedAt = Math.max(0, bound - podGrace);
        assertEquals(0, deletedAt, "Karpenter deletes the executors at the notice, so decommissioning starts at once");
        assertTrue(deletedAt + podGrace <= bound, "each executor gets its whole grace before Karpenter's bound");
        assertTrue(bound <= notice, "the node is terminated before the spot reclaim: bound " + bound + " s");
        boolean driftNeverDisrupts = false;
        for (JsonNode b : spot.path("spec").path("disruption").path("budgets")) {
            driftNeverDisrupts |= b.path("nodes").asString().equals("0") && b.path("reasons").toString().contains("Drifted")
                    && !b.has("schedule");
        }
        String ami = Chart.ofKind(objects, "EC2NodeClass").get(0).path("spec").path("amiSelectorTerms").get(0).path("alias").asString();
        assertTrue(driftNeverDisrupts || !ami.endsWith("@latest"), "drift would drain running executors (terminationGracePeriod set)");
        // Drivers keep Karpenter's indefinite wait: a driver deleted early costs its whole manifest.
        JsonNode onDemand = Chart.find(objects, "NodePool", Chart.RELEASE + "-on-demand");
        assertFalse(onDemand.path("spec").path("template").path("spec").has("terminationGracePeriod"));
        // Placeholders hold no work: consolidation may move them (no do-not-disrupt).
        JsonNode placeholder = Chart.find(objects, "Deployment", Chart.RELEASE + "-placeholder");
        assertFalse(placeholder.path("spec").path("template").path("metadata").path("annotations").has("karpenter.sh/do-not-disrupt"));
    }

    private static long seconds(String goDuration) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]+)([smh])").matcher(goDuration);
        long total = 0;
        int end = 0;
        while (m.find()) {
            total += Long.parseLong(m.group(1)) * switch (m.group(2)) {
                case "h" -> 3600;
                case "m" -> 60;
                default -> 1;
            };
            end = m.end();
        }
        assertTrue(end > 0 && end == goDuration.length(), "not a duration: '" + goDuration + "'");
        return total;
    }

    @Test
    void placeholdersAreSizedLikeOneExecutorAndScaledByKedaOnTheIngestQueue() {
        List<JsonNode> objects = Chart.render(Chart.values("all-on.yaml"));
        JsonNode placeholder = Chart.find(objects, "Deployment", Chart.RELEASE + "-placeholder");
        assertFalse(placeholder.path("spec").has("replicas"), "KEDA owns the replica count; a fixed one would fight it");
        JsonNode requests = placeholder.path("spec").path("template").path("spec").path("containers").get(0).path("resources").path("requests");
        assertEquals("5", requests.path("cpu").asString(), "spark.executor.cores");
        assertEquals("18432Mi", requests.path("memory").asString(), "14g executor memory + 4g overhead");
        assertEquals("140Gi", requests.path("ephemeral-storage").asString(), "an executor's disk too");
        assertEquals(Chart.RELEASE + "-placeholder", placeholder.path("spec").path("template").path("spec").path("priorityClassName").asString());

        JsonNode scaled = Chart.find(objects, "ScaledObject", Chart.RELEASE + "-placeholder");
        assertEquals(0, scaled.path("spec").path("minReplicaCount").asInt(), "no waiting file removes the nodes");
        assertEquals(Chart.RELEASE + "-placeholder", scaled.path("spec").path("scaleTargetRef").path("name").asString());
        JsonNode trigger = scaled.path("spec").path("triggers").get(0);
        assertEquals("aws-sqs-queue", trigger.path("type").asString());
        assertEquals("https://sqs.eu-west-1.amazonaws.com/123456789012/ndjson-ingest", trigger.path("metadata").path("queueURL").asString());
        assertEquals("eu-west-1", trigger.path("metadata").path("awsRegion").asString());
        assertEquals("true", trigger.path("metadata").path("scaleOnInFlight").asString(), "files held by the builder lead the work");
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

    // The KEDA arithmetic (formula, NOTES, low and high traffic, a stopped builder) is PlaceholderArithmeticTest's.

    @Test
    void scaleDownBehaviourIsExposed() {
        List<JsonNode> objects = Yaml.readAll(Chart.templateWith("placeholders: {scaleDownStabilizationSeconds: 900, scaleDownPercentPerMinute: 20}\n"));
        JsonNode scaleDown = Chart.find(objects, "ScaledObject", Chart.RELEASE + "-placeholder").path("spec").path("advanced")
                .path("horizontalPodAutoscalerConfig").path("behavior").path("scaleDown");
        assertEquals(900, scaleDown.path("stabilizationWindowSeconds").asInt());
        assertEquals(20, scaleDown.path("policies").get(0).path("value").asInt());
        assertEquals("Percent", scaleDown.path("policies").get(0).path("type").asString());
    }

    @Test
    void karpenterPoolsAreDedicatedTaintedAndSelected() {
        List<JsonNode> objects = Yaml.readAll(Chart.templateWith("""
                scheduling: {capacityTypeLabels: karpenter}
                karpenter: {enabled: true, clusterName: data-eks, nodeRole: NodeRole}
                """));
        JsonNode app = Chart.sparkApplicationTemplate(objects);
        JsonNode placeholder = Chart.find(objects, "Deployment", Chart.RELEASE + "-placeholder").path("spec").path("template").path("spec");
        for (String[] c : List.of(new String[] {"spot", "executor", "spark-executors"}, new String[] {"on-demand", "driver", "spark-drivers"})) {
            JsonNode pool = Chart.find(objects, "NodePool", Chart.RELEASE + "-" + c[0]);
            JsonNode taints = pool.path("spec").path("template").path("spec").path("taints");
            assertTrue(taints.size() > 0, c[0] + " pool has no taint: other workloads would land there");
            String poolLabel = pool.path("spec").path("template").path("metadata").path("labels").path("ndjson-parquet.dev/pool").asString();
            assertEquals(c[2], poolLabel);
            JsonNode role = app.path("spec").path(c[1]);
            for (JsonNode spec : List.of(role, role.path("template").path("spec"))) {
                assertEquals(poolLabel, spec.path("nodeSelector").path("ndjson-parquet.dev/pool").asString(), c[1] + " selects its pool");
                for (JsonNode t : taints) {
                    assertTrue(tolerates(spec.path("tolerations"), t), c[1] + " does not tolerate " + t);
                }
            }
            if (c[0].equals("spot")) {
                assertEquals(poolLabel, placeholder.path("nodeSelector").path("ndjson-parquet.dev/pool").asString());
                for (JsonNode t : taints) {
                    assertTrue(tolerates(placeholder.path("tolerations"), t), "placeholder does not tolerate " + t);
                }
            }
        }
        // Drivers do not tolerate the executors' pool, nor executors the drivers'.
        JsonNode spotTaints = Chart.find(objects, "NodePool", Chart.RELEASE + "-spot").path("spec").path("template").path("spec").path("taints");
        assertFalse(tolerates(app.path("spec").path("driver").path("tolerations"), spotTaints.get(0)));
    }

    @Test
    void karpenterWithEksCapacityLabelsIsRefused() {
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> Chart.templateWith("""
                scheduling: {capacityTypeLabels: eks}
                karpenter: {enabled: true, clusterName: data-eks, nodeRole: NodeRole}
                """));
        assertTrue(e.getMessage().contains("capacityTypeLabels"), e.getMessage());
    }

    @Test
    void executorsHaveDiskNodesHaveAVolumeAndTmpFitsInTheRequest() {
        List<JsonNode> objects = Chart.render(Chart.values("all-on.yaml"));
        JsonNode app = Chart.sparkApplicationTemplate(objects);
        JsonNode executor = app.path("spec").path("executor").path("template").path("spec").path("containers").get(0);
        String request = executor.path("resources").path("requests").path("ephemeral-storage").asString();
        assertEquals("140Gi", request);
        String tmp = app.path("spec").path("sparkConf").path("spark.kubernetes.executor.volumes.emptyDir.tmp.options.sizeLimit").asString();
        assertTrue(gib(tmp) > 20 && gib(tmp) < gib(request), "/tmp " + tmp + " within the request " + request);
        JsonNode nodeClass = Chart.ofKind(objects, "EC2NodeClass").get(0).path("spec");
        JsonNode root = nodeClass.path("blockDeviceMappings").get(0);
        assertTrue(root.path("rootVolume").asBoolean());
        assertTrue(gib(root.path("ebs").path("volumeSize").asString()) >= 2 * gib(request), "room for at least two executors per node");
        assertEquals("RAID0", nodeClass.path("instanceStorePolicy").asString());
        // With RAID0 the pools only choose instance types that have instance-store disks.
        for (JsonNode pool : Chart.ofKind(objects, "NodePool")) {
            assertTrue(pool.path("spec").path("template").path("spec").path("requirements").toString()
                    .contains("karpenter.k8s.aws/instance-local-nvme"), pool.path("metadata").path("name").asString());
        }
        assertFalse(Chart.ofKind(Chart.render(Chart.values("karpenter-labels.yaml")), "EC2NodeClass").size() > 0);
    }

    private static long gib(String quantity) {
        if (quantity.endsWith("Ti")) {
            return Long.parseLong(quantity.replace("Ti", "")) * 1024;
        }
        return Long.parseLong(quantity.replace("Gi", ""));
    }

    private static boolean tolerates(JsonNode tolerations, JsonNode taint) {
        for (JsonNode t : tolerations) {
            boolean key = t.path("key").asString().equals(taint.path("key").asString());
            boolean effect = t.path("effect").isMissingNode() || t.path("effect").asString().equals(taint.path("effect").asString());
            boolean value = t.path("operator").asString().equals("Exists") || t.path("value").asString().equals(taint.path("value").asString(""));
            if (key && effect && value) {
                return true;
            }
        }
        return false;
    }
}
