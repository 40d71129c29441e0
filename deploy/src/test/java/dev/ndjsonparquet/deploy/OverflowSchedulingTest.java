package dev.ndjsonparquet.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * scheduling.overflow: where executors and placeholders may run when spot runs out, computed from the rendered
 * objects: the pod specs against the nodes Karpenter's pools launch (with its relaxation of preferences) and against
 * managed node groups grown by the Cluster Autoscaler's priority expander.
 */
class OverflowSchedulingTest {

    private static final String SPOT_POOL = Chart.RELEASE + "-spot";
    private static final String DRIVER_POOL = Chart.RELEASE + "-on-demand";

    private static List<JsonNode> karpenter(String overflow) {
        return Yaml.readAll(Chart.templateWith("scheduling: {capacityTypeLabels: karpenter, overflow: " + overflow + "}\n"
                + "karpenter: {enabled: true, clusterName: data-eks, nodeRole: NodeRole}\n"));
    }

    private static JsonNode executor(List<JsonNode> objects) {
        return Chart.sparkApplicationTemplate(objects).path("spec").path("executor").path("template").path("spec");
    }

    private static JsonNode placeholder(List<JsonNode> objects) {
        return Chart.find(objects, "Deployment", Chart.RELEASE + "-placeholder").path("spec").path("template").path("spec");
    }

    private static List<Scheduler.Node> launchable(List<JsonNode> objects) {
        List<Scheduler.Node> nodes = new ArrayList<>();
        for (JsonNode pool : Chart.ofKind(objects, "NodePool")) {
            nodes.addAll(Scheduler.nodesOf(pool));
        }
        return nodes;
    }

    private static Scheduler.Node byCapacity(List<Scheduler.Node> nodes, String pool, String capacityType) {
        return nodes.stream().filter(n -> n.labels().get("karpenter.sh/nodepool").equals(pool)
                && capacityType.equals(n.labels().get("karpenter.sh/capacity-type"))).findFirst().orElseThrow();
    }

    @Test
    void karpenterNeverLaunchesSpotOnlyAndAShortageLeavesExecutorsPending() {
        List<JsonNode> objects = karpenter("never");
        List<Scheduler.Node> nodes = launchable(objects);
        Scheduler.Node spot = byCapacity(nodes, SPOT_POOL, "spot");
        for (JsonNode pod : List.of(executor(objects), placeholder(objects))) {
            assertEquals(spot, Scheduler.karpenterLaunch(pod, nodes, Set.of()));
            assertNull(Scheduler.karpenterLaunch(pod, nodes, Set.of(spot)), "no spot: Pending (the driver pool is tainted)");
        }
    }

    @Test
    void karpenterWhenSpotUnavailableLaunchesSpotFirstAndOnDemandOnlyWhenSpotCannotBeLaunched() {
        List<JsonNode> objects = karpenter("when-spot-unavailable");
        List<Scheduler.Node> nodes = launchable(objects);
        Scheduler.Node spot = byCapacity(nodes, SPOT_POOL, "spot");
        Scheduler.Node onDemand = byCapacity(nodes, SPOT_POOL, "on-demand");
        for (JsonNode pod : List.of(executor(objects), placeholder(objects))) {
            assertNull(Scheduler.refusal(pod, spot));
            assertNull(Scheduler.refusal(pod, onDemand));
            assertTrue(Scheduler.preference(pod, spot) > Scheduler.preference(pod, onDemand),
                    "on existing nodes the scheduler scores spot higher");
            assertEquals(spot, Scheduler.karpenterLaunch(pod, nodes, Set.of()));
            assertEquals(onDemand, Scheduler.karpenterLaunch(pod, nodes, Set.of(spot)), "spot refused: on-demand executor node");
            assertNotNull(Scheduler.refusal(pod, byCapacity(nodes, DRIVER_POOL, "on-demand")), "never the drivers' pool");
        }
        // Drivers are untouched: on-demand, their own pool, no affinity added.
        JsonNode driver = Chart.sparkApplicationTemplate(objects).path("spec").path("driver");
        assertEquals("on-demand", driver.path("nodeSelector").path("karpenter.sh/capacity-type").asString());
        assertFalse(driver.has("affinity"));
        // spec.executor (read by spark-operator's webhook) and its pod template say the same.
        JsonNode app = Chart.sparkApplicationTemplate(objects).path("spec").path("executor");
        assertEquals(app.path("affinity"), app.path("template").path("spec").path("affinity"));
        assertEquals(app.path("nodeSelector"), app.path("template").path("spec").path("nodeSelector"));
    }

    @Test
    void karpenterAlwaysLaunchesOnDemandExecutorNodes() {
        List<JsonNode> objects = karpenter("always");
        List<Scheduler.Node> nodes = launchable(objects);
        assertEquals(List.of("on-demand"), nodes.stream().filter(n -> n.labels().get("karpenter.sh/nodepool").equals(SPOT_POOL))
                .map(n -> n.labels().get("karpenter.sh/capacity-type")).toList());
        assertEquals(byCapacity(nodes, SPOT_POOL, "on-demand"), Scheduler.karpenterLaunch(executor(objects), nodes, Set.of()));
    }

    /** A managed node group as the Cluster Autoscaler sees it: its ASG name and the node it would add. */
    private record Group(String name, Scheduler.Node node) {
    }

    private static Group group(String name, String capacityType, Map<String, String> labels, List<JsonNode> taints) {
        Map<String, String> all = new TreeMap<>(labels);
        all.put("eks.amazonaws.com/capacityType", capacityType);
        return new Group(name, new Scheduler.Node(name, all, taints));
    }

    /** The priority expander: of the groups that could take the pod and can grow, the one of the highest priority. */
    private static Group expand(JsonNode priorities, JsonNode pod, List<Group> groups, Set<Group> cannotGrow) {
        Group best = null;
        int bestPriority = Integer.MIN_VALUE;
        for (Group g : groups) {
            if (cannotGrow.contains(g) || Scheduler.refusal(pod, g.node()) != null) {
                continue;
            }
            int priority = Integer.MIN_VALUE;
            for (Map.Entry<String, JsonNode> e : priorities.properties()) {
                for (JsonNode pattern : e.getValue()) {
                    if (g.name().matches(pattern.asString())) {
                        priority = Math.max(priority, Integer.parseInt(e.getKey()));
                    }
                }
            }
            if (priority > bestPriority) {
                best = g;
                bestPriority = priority;
            }
        }
        return best;
    }

    @Test
    void managedNodeGroupsGrowTheSpotGroupFirstAndTheOnDemandExecutorGroupWhenSpotCannotGrow() {
        List<JsonNode> objects = Chart.render(Chart.values("overflow-eks.yaml"));
        JsonNode cm = Chart.find(objects, "ConfigMap", "cluster-autoscaler-priority-expander");
        assertEquals("kube-system", cm.path("metadata").path("namespace").asString());
        JsonNode priorities = Yaml.read(cm.path("data").path("priorities").asString());
        JsonNode executorTaint = Yaml.read("{key: ndjson-parquet.dev/pool, value: spark-executors, effect: NoSchedule}");
        Map<String, String> executorLabel = Map.of("ndjson-parquet.dev/pool", "spark-executors");
        Group spot = group("eks-spark-executors-spot-20261207", "SPOT", executorLabel, List.of(executorTaint));
        Group onDemand = group("eks-spark-executors-on-demand-20261207", "ON_DEMAND", executorLabel, List.of(executorTaint));
        Group drivers = group("eks-spark-drivers-20261207", "ON_DEMAND", Map.of(), List.of());
        List<Group> groups = List.of(drivers, onDemand, spot);
        for (JsonNode pod : List.of(executor(objects), placeholder(objects))) {
            assertEquals(spot, expand(priorities, pod, groups, Set.of()));
            assertEquals(onDemand, expand(priorities, pod, groups, Set.of(spot)), "spot group failed to launch");
            assertNull(expand(priorities, pod, groups, Set.of(spot, onDemand)), "never the drivers' group");
        }
        JsonNode driver = Chart.sparkApplicationTemplate(objects).path("spec").path("driver").path("template").path("spec");
        assertEquals(drivers, expand(priorities, driver, groups, Set.of()), "drivers' groups still grow (the catch-all)");
    }

    @Test
    void managedNodeGroupsNeverKeepExecutorsOnSpot() {
        List<JsonNode> objects = Chart.render(Chart.values("eks-labels.yaml"));
        JsonNode pod = executor(objects);
        assertNull(Scheduler.refusal(pod, group("spot", "SPOT", Map.of(), List.of()).node()));
        assertNotNull(Scheduler.refusal(pod, group("od", "ON_DEMAND", Map.of(), List.of()).node()));
        assertTrue(Chart.ofKind(objects, "ConfigMap").stream()
                .noneMatch(c -> c.path("metadata").path("name").asString().equals("cluster-autoscaler-priority-expander")),
                "the cluster-wide ConfigMap is opt-in");
    }

    @Test
    void aPriorityOrderThatWouldPreferOnDemandIsRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Chart.templateWith(
                "clusterAutoscaler: {priorityExpander: {create: true, spotPriority: 10, onDemandPriority: 10}}\n"));
        assertTrue(e.getMessage().contains("spotPriority must be above onDemandPriority"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> Chart.templateWith("scheduling: {overflow: sometimes}\n"));
    }
}
