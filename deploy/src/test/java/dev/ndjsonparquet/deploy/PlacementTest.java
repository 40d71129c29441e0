package dev.ndjsonparquet.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Where every pod of the chart can run, in the cluster layouts an install meets, computed with {@link Scheduler}:
 * node labels as EKS managed node groups and Karpenter set them, the chart's own NodePools turned into the nodes
 * Karpenter would launch. Controllers and the History Server must find an on-demand node in every layout and never
 * a spot one; drivers go on-demand, executors and placeholders spot.
 */
class PlacementTest {

    private static final Scheduler.Node MANAGED_ON_DEMAND = node("managed group system (on-demand)",
            Map.of("eks.amazonaws.com/capacityType", "ON_DEMAND", "eks.amazonaws.com/nodegroup", "system", "kubernetes.io/arch", "amd64"));
    private static final Scheduler.Node MANAGED_SPOT = node("managed group executors (spot)",
            Map.of("eks.amazonaws.com/capacityType", "SPOT", "eks.amazonaws.com/nodegroup", "spark-executors", "kubernetes.io/arch", "amd64"));
    /** A general-purpose Karpenter NodePool of the cluster (no taint), launching either capacity type. */
    private static final Scheduler.Node GENERAL_KARPENTER_ON_DEMAND = node("general NodePool (on-demand)",
            Map.of("karpenter.sh/capacity-type", "on-demand", "karpenter.sh/nodepool", "general", "kubernetes.io/arch", "amd64"));
    private static final Scheduler.Node GENERAL_KARPENTER_SPOT = node("general NodePool (spot)",
            Map.of("karpenter.sh/capacity-type", "spot", "karpenter.sh/nodepool", "general", "kubernetes.io/arch", "amd64"));

    private static final String KARPENTER_POOLS = """
            scheduling: {capacityTypeLabels: karpenter}
            karpenter: {enabled: true, clusterName: data-eks, nodeRole: KarpenterNodeRole}
            spark: {eventLog: {enabled: true, dir: "s3a://pipeline/spark-events/"}, historyServer: {enabled: true}}
            """;

    private static Scheduler.Node node(String name, Map<String, String> labels) {
        return new Scheduler.Node(name, labels, List.of());
    }

    /** The pod specs of the chart's workloads, by role. */
    private static Map<String, JsonNode> pods(List<JsonNode> objects) {
        Map<String, JsonNode> pods = new LinkedHashMap<>();
        for (JsonNode d : Chart.ofKind(objects, "Deployment")) {
            pods.put(d.path("spec").path("template").path("metadata").path("labels").path("app.kubernetes.io/component").asString(),
                    d.path("spec").path("template").path("spec"));
        }
        JsonNode app = Chart.sparkApplicationTemplate(objects);
        pods.put("driver", app.path("spec").path("driver").path("template").path("spec"));
        pods.put("executor", app.path("spec").path("executor").path("template").path("spec"));
        return pods;
    }

    /** For each pod, the nodes it can run on. */
    private static Map<String, List<String>> placement(List<JsonNode> objects, List<Scheduler.Node> nodes) {
        Map<String, List<String>> out = new TreeMap<>();
        pods(objects).forEach((role, spec) -> {
            List<String> fits = new ArrayList<>();
            for (Scheduler.Node n : nodes) {
                if (Scheduler.refusal(spec, n) == null) {
                    fits.add(n.name());
                }
            }
            out.put(role, fits);
        });
        return out;
    }

    private static List<Scheduler.Node> chartPools(List<JsonNode> objects) {
        return Chart.ofKind(objects, "NodePool").stream().map(Scheduler::nodeOf).toList();
    }

    @Test
    void withManagedNodeGroupsEveryPodFindsItsCapacityType() {
        List<JsonNode> objects = Yaml.readAll(Chart.templateWith("""
                spark: {eventLog: {enabled: true, dir: "s3a://pipeline/spark-events/"}, historyServer: {enabled: true}}
                """));
        Map<String, List<String>> placed = placement(objects, List.of(MANAGED_ON_DEMAND, MANAGED_SPOT));
        String od = MANAGED_ON_DEMAND.name();
        String spot = MANAGED_SPOT.name();
        assertEquals(Map.of("dispatcher", List.of(od), "builder", List.of(od), "history-server", List.of(od),
                "driver", List.of(od), "executor", List.of(spot), "placeholder", List.of(spot)), placed);
    }

    /**
     * The case: with the chart's Karpenter pools the controllers' only selector was
     * karpenter.sh/capacity-type: on-demand with no toleration; the only on-demand pool is tainted for drivers and
     * the managed node group where Karpenter itself runs carries the EKS label, so they ran nowhere.
     */
    @Test
    void withTheChartsKarpenterPoolsAndAManagedSystemGroupControllersRunOnEitherOnDemandNode() {
        List<JsonNode> objects = Yaml.readAll(Chart.templateWith(KARPENTER_POOLS));
        List<Scheduler.Node> pools = chartPools(objects);
        assertEquals(2, pools.size());
        String odPool = "NodePool " + Chart.RELEASE + "-on-demand";
        String spotPool = "NodePool " + Chart.RELEASE + "-spot";
        List<Scheduler.Node> nodes = new ArrayList<>(pools);
        nodes.add(MANAGED_ON_DEMAND);
        Map<String, List<String>> placed = placement(objects, nodes);
        String managed = MANAGED_ON_DEMAND.name();
        assertEquals(Map.of("dispatcher", List.of(odPool, managed), "builder", List.of(odPool, managed),
                "history-server", List.of(odPool, managed), "driver", List.of(odPool), "executor", List.of(spotPool),
                "placeholder", List.of(spotPool)), placed);
        // Karpenter hosted outside the nodes (Fargate): the chart's on-demand pool is the only on-demand capacity.
        Map<String, List<String>> poolsOnly = placement(objects, pools);
        assertEquals(List.of(odPool), poolsOnly.get("dispatcher"));
        assertEquals(List.of(odPool), poolsOnly.get("history-server"));
    }

    @Test
    void withKarpenterLabelsAndTheClustersOwnNodePoolControllersStayOnDemand() {
        List<JsonNode> objects = Chart.render(Chart.values("karpenter-labels.yaml"));
        Map<String, List<String>> placed = placement(objects, List.of(GENERAL_KARPENTER_ON_DEMAND, GENERAL_KARPENTER_SPOT, MANAGED_ON_DEMAND));
        String od = GENERAL_KARPENTER_ON_DEMAND.name();
        assertEquals(List.of(od, MANAGED_ON_DEMAND.name()), placed.get("dispatcher"));
        assertEquals(List.of(od, MANAGED_ON_DEMAND.name()), placed.get("builder"));
        assertEquals(List.of(od), placed.get("driver"));
        assertEquals(List.of(GENERAL_KARPENTER_SPOT.name()), placed.get("executor"));
        assertEquals(List.of(GENERAL_KARPENTER_SPOT.name()), placed.get("placeholder"));
    }

    @Test
    void aUsersOwnNodeAffinityIsKeptAndStillNeverSpot() {
        List<JsonNode> objects = Yaml.readAll(Chart.templateWith("""
                controller:
                  affinity:
                    nodeAffinity:
                      requiredDuringSchedulingIgnoredDuringExecution:
                        nodeSelectorTerms:
                          - matchExpressions: [{key: eks.amazonaws.com/nodegroup, operator: In, values: [system, spark-executors]}]
                """));
        Map<String, List<String>> placed = placement(objects, List.of(MANAGED_ON_DEMAND, MANAGED_SPOT,
                node("another on-demand group", Map.of("eks.amazonaws.com/capacityType", "ON_DEMAND", "eks.amazonaws.com/nodegroup", "other"))));
        assertEquals(List.of(MANAGED_ON_DEMAND.name()), placed.get("dispatcher"));
    }
}
