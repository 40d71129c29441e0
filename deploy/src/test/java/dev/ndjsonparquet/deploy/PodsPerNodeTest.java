package dev.ndjsonparquet.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.settings.SettingsResolver;
import dev.ndjsonparquet.tools.plan.Plan;
import dev.ndjsonparquet.tools.plan.PlanInputs;
import dev.ndjsonparquet.tools.plan.PlanResult;
import dev.ndjsonparquet.tools.plan.PlanSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code plan}'s dollars are what the chart deploys: the pods per node the scheduler would pack, computed from the
 * rendered requests (Spark's executor and driver pods: cores, memory plus overhead, ephemeral storage; the
 * placeholders as rendered) against the allocatable of the node {@code plan} prices ({@link NodeAllocatable}),
 * must be the figures {@code plan} uses. The chart packed 2 executors of 150Gi (on 449 GiB) and of 20Gi (on 55 GiB)
 * where {@code plan} counted 3.
 */
class PodsPerNodeTest {

    private static final String KARPENTER = "scheduling: {capacityTypeLabels: karpenter}\n"
            + "karpenter: {enabled: true, clusterName: data-eks, nodeRole: KarpenterNodeRole}\n";

    private static PlanInputs planDefaults() {
        return PlanSettings.inputs(SettingsResolver.resolve(PlanSettings.ALL, Map.of(), Map.of(), Map.of()));
    }

    /** A pod's requests: CPU in millicores, memory and ephemeral storage in MiB. */
    record Requests(long cpuMillis, long memoryMib, long ephemeralMib) {
    }

    /**
     * The pod Spark creates for a role of the SparkApplication: CPU {@code spark.kubernetes.<role>.request.cores}
     * or the cores, memory the JVM memory plus {@code memoryOverhead} (Spark's default overhead: 10%, at least
     * 384 MiB), ephemeral storage from the pod template.
     */
    static Requests sparkPod(JsonNode app, String role) {
        JsonNode spec = app.path("spec").path(role);
        String requestCores = app.path("spec").path("sparkConf").path("spark.kubernetes." + role + ".request.cores").asString("");
        long cpu = requestCores.isEmpty() ? spec.path("cores").asLong() * 1000 : cpuMillis(requestCores);
        long memory = sparkMib(spec.path("memory").asString());
        long overhead = spec.has("memoryOverhead") ? sparkMib(spec.path("memoryOverhead").asString()) : Math.max(384, memory / 10);
        JsonNode requests = spec.path("template").path("spec").path("containers").get(0).path("resources").path("requests");
        return new Requests(cpu, memory + overhead, mib(requests.path("ephemeral-storage").asString()));
    }

    @Test
    void threeExecutorsFitTheNodePlanPricesAsPlanCountsThem() {
        List<JsonNode> objects = Yaml.readAll(Chart.templateWith(KARPENTER));
        JsonNode app = Chart.sparkApplicationTemplate(objects);
        PlanInputs in = planDefaults();
        PlanResult plan = Plan.compute(in);
        NodeAllocatable.InstanceType type = NodeAllocatable.InstanceType.M6I_4XLARGE;
        assertEquals(type.name(), in.nodeInstanceType());
        assertEquals(type.vcpu(), in.nodeVcpu());
        assertEquals(type.memoryGib(), in.nodeMemoryGib());

        long diskGib = mib(Chart.ofKind(objects, "EC2NodeClass").get(0).path("spec").path("blockDeviceMappings").get(0)
                .path("ebs").path("volumeSize").asString()) / 1024;
        NodeAllocatable node = NodeAllocatable.of(type, diskGib);

        Requests executor = sparkPod(app, "executor");
        long executorsPerNode = node.podsPerNode(executor.cpuMillis(), executor.memoryMib(), executor.ephemeralMib());
        assertEquals(plan.application().executorsPerNode(), executorsPerNode,
                "executors per node: the chart's " + executor + " on " + node + " against plan's " + in.executorCores()
                        + " cores, " + in.executorMemoryGib() + " GiB");
        assertEquals(3, executorsPerNode, "three executors per m6i.4xlarge, as the README's cost figures assume");
        // plan prices the pods the chart makes.
        assertEquals(in.executorCores() * 1000L, executor.cpuMillis());
        assertEquals(Math.round(in.executorMemoryGib() * 1024), executor.memoryMib());

        Requests driver = sparkPod(app, "driver");
        assertEquals(plan.application().driversPerNode(), node.podsPerNode(driver.cpuMillis(), driver.memoryMib(), driver.ephemeralMib()),
                "drivers per node: the chart's " + driver + " on " + node);
        assertEquals(in.driverCores() * 1000L, driver.cpuMillis());
        assertEquals(Math.round(in.driverMemoryGib() * 1024), driver.memoryMib());

        // plan's reserve is never smaller than what the node keeps back.
        assertTrue((in.nodeVcpu() - in.nodeReservedVcpu()) * 1000 <= node.cpuMillis(), "plan's usable vCPU " + node);
        assertTrue((in.nodeMemoryGib() - in.nodeReservedMemoryGib()) * 1024 <= node.memoryMib(), "plan's usable memory " + node);

        // A placeholder holds exactly one executor's room, so the placeholders warm the nodes the executors take.
        JsonNode pause = Chart.find(objects, "Deployment", Chart.RELEASE + "-placeholder").path("spec").path("template")
                .path("spec").path("containers").get(0).path("resources").path("requests");
        assertEquals(executor, new Requests(cpuMillis(pause.path("cpu").asString()), mib(pause.path("memory").asString()),
                mib(pause.path("ephemeral-storage").asString())));
    }

    @Test
    void thePlannedInstanceTypeIsOneTheSpotPoolMayLaunch() {
        JsonNode spot = Chart.find(Yaml.readAll(Chart.templateWith(KARPENTER)), "NodePool", Chart.RELEASE + "-spot");
        String type = planDefaults().nodeInstanceType();
        String category = type.substring(0, 1);
        int generation = Character.getNumericValue(type.charAt(1));
        String size = type.substring(type.indexOf('.') + 1);
        for (JsonNode r : spot.path("spec").path("template").path("spec").path("requirements")) {
            List<String> values = new java.util.ArrayList<>();
            r.path("values").forEach(v -> values.add(v.asString()));
            switch (r.path("key").asString()) {
                case "karpenter.k8s.aws/instance-category" -> assertTrue(values.contains(category), values.toString());
                case "karpenter.k8s.aws/instance-generation" -> assertTrue(generation > Integer.parseInt(values.get(0)), values.toString());
                case "karpenter.k8s.aws/instance-size" -> assertTrue(!values.contains(size), values.toString());
                default -> {
                }
            }
        }
    }

    @Test
    void theModelMatchesTheFiguresItWasWrittenFrom() {
        // m6i.4xlarge: 16,000m - 110m kube-reserved - 500m daemon sets; 64 GiB x 0.925 = 60,620 MiB - 2,829 (11 x 234 + 255)
        // - 100 eviction - 1,024 daemon sets; 500 GiB disk = 512,000 MiB - 1,024 - 51,200 (10%).
        NodeAllocatable node = NodeAllocatable.of(NodeAllocatable.InstanceType.M6I_4XLARGE, 500);
        assertEquals(new NodeAllocatable(15_390, 56_667, 459_776), node);
        // The defaults before this test: 4 cores, 16g + 4g, 150Gi packed 2 per node (memory and disk), plan said 3.
        assertEquals(2, node.podsPerNode(4_000, 20_480, 150 * 1024));
    }

    static long cpuMillis(String q) {
        return q.endsWith("m") ? Long.parseLong(q.substring(0, q.length() - 1)) : Math.round(Double.parseDouble(q) * 1000);
    }

    /** A Kubernetes quantity in MiB. */
    static long mib(String q) {
        if (q.endsWith("Ti")) {
            return Long.parseLong(q.substring(0, q.length() - 2)) * 1024 * 1024;
        } else if (q.endsWith("Gi")) {
            return Long.parseLong(q.substring(0, q.length() - 2)) * 1024;
        } else if (q.endsWith("Mi")) {
            return Long.parseLong(q.substring(0, q.length() - 2));
        }
        throw new IllegalArgumentException("quantity " + q);
    }

    /** A Spark memory setting ("14g", "512m") in MiB. */
    static long sparkMib(String s) {
        String v = s.toLowerCase(java.util.Locale.ROOT);
        if (v.endsWith("g")) {
            return Long.parseLong(v.substring(0, v.length() - 1)) * 1024;
        } else if (v.endsWith("m")) {
            return Long.parseLong(v.substring(0, v.length() - 1));
        }
        throw new IllegalArgumentException("Spark memory " + s);
    }
}
