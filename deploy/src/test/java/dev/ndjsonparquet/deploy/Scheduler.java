package dev.ndjsonparquet.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * What the scheduler (and Karpenter's launch simulation) decides about one pod and one node, computed: the pod's
 * nodeSelector, its required node affinity (terms OR-ed, expressions AND-ed; In, NotIn, Exists, DoesNotExist, Gt,
 * Lt as the API defines them: NotIn and DoesNotExist match a node without the label) and its tolerations against
 * the node's NoSchedule and NoExecute taints.
 */
final class Scheduler {

    /** A node: its labels and its taints (each with key, value and effect). */
    record Node(String name, Map<String, String> labels, List<JsonNode> taints) {
    }

    private Scheduler() {
    }

    /**
     * The node a Karpenter NodePool launches, as far as scheduling sees it: the template's labels, every
     * requirement with a single {@code In} value as a label, {@code karpenter.sh/nodepool}, and the template's taints.
     */
    static Node nodeOf(JsonNode nodePool) {
        Map<String, String> labels = new LinkedHashMap<>();
        JsonNode template = nodePool.path("spec").path("template");
        template.path("metadata").path("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asString()));
        for (JsonNode r : template.path("spec").path("requirements")) {
            if (r.path("operator").asString().equals("In") && r.path("values").size() == 1) {
                labels.put(r.path("key").asString(), r.path("values").get(0).asString());
            }
        }
        labels.put("karpenter.sh/nodepool", nodePool.path("metadata").path("name").asString());
        List<JsonNode> taints = new ArrayList<>();
        template.path("spec").path("taints").forEach(taints::add);
        return new Node("NodePool " + nodePool.path("metadata").path("name").asString(), labels, taints);
    }

    /**
     * The nodes a Karpenter NodePool may launch, one per capacity type its {@code karpenter.sh/capacity-type}
     * requirement allows (each labelled with it); otherwise as {@link #nodeOf}.
     */
    static List<Node> nodesOf(JsonNode nodePool) {
        Node base = nodeOf(nodePool);
        List<Node> out = new ArrayList<>();
        for (JsonNode r : nodePool.path("spec").path("template").path("spec").path("requirements")) {
            if (r.path("key").asString().equals("karpenter.sh/capacity-type") && r.path("operator").asString().equals("In")) {
                for (JsonNode v : r.path("values")) {
                    Map<String, String> labels = new LinkedHashMap<>(base.labels());
                    labels.put("karpenter.sh/capacity-type", v.asString());
                    out.add(new Node(base.name() + " (" + v.asString() + ")", labels, base.taints()));
                }
            }
        }
        return out.isEmpty() ? List.of(base) : out;
    }

    /** The sum of the weights of the pod's preferred node-affinity terms the node matches (the scheduler's score). */
    static int preference(JsonNode podSpec, Node node) {
        int score = 0;
        for (JsonNode p : podSpec.path("affinity").path("nodeAffinity").path("preferredDuringSchedulingIgnoredDuringExecution")) {
            boolean all = true;
            for (JsonNode expression : p.path("preference").path("matchExpressions")) {
                all &= matches(expression, node.labels());
            }
            score += all ? p.path("weight").asInt() : 0;
        }
        return score;
    }

    /**
     * What Karpenter launches for a Pending pod: it first treats the pod's preferred node affinity as required, and
     * relaxes the preferences only when no node it can launch satisfies them ({@code unavailable} are the offerings EC2
     * refused, e.g. spot with insufficient capacity). Null when nothing fits.
     */
    static Node karpenterLaunch(JsonNode podSpec, List<Node> candidates, java.util.Set<Node> unavailable) {
        int most = 0;
        for (JsonNode p : podSpec.path("affinity").path("nodeAffinity").path("preferredDuringSchedulingIgnoredDuringExecution")) {
            most += p.path("weight").asInt();
        }
        Node relaxed = null;
        for (Node n : candidates) {
            if (unavailable.contains(n) || refusal(podSpec, n) != null) {
                continue;
            }
            if (preference(podSpec, n) == most) {
                return n;
            }
            relaxed = relaxed == null ? n : relaxed;
        }
        return relaxed;
    }

    /** Why the pod cannot run on the node, or null when it can. */
    static String refusal(JsonNode podSpec, Node node) {
        for (Map.Entry<String, JsonNode> e : podSpec.path("nodeSelector").properties()) {
            if (!e.getValue().asString().equals(node.labels().get(e.getKey()))) {
                return "nodeSelector " + e.getKey() + "=" + e.getValue().asString();
            }
        }
        JsonNode terms = podSpec.path("affinity").path("nodeAffinity").path("requiredDuringSchedulingIgnoredDuringExecution")
                .path("nodeSelectorTerms");
        if (terms.isArray() && !terms.isEmpty()) {
            boolean any = false;
            for (JsonNode term : terms) {
                boolean all = true;
                for (JsonNode expression : term.path("matchExpressions")) {
                    all &= matches(expression, node.labels());
                }
                any |= all;
            }
            if (!any) {
                return "required node affinity " + terms;
            }
        }
        for (JsonNode taint : node.taints()) {
            String effect = taint.path("effect").asString();
            if ((effect.equals("NoSchedule") || effect.equals("NoExecute")) && !tolerated(podSpec.path("tolerations"), taint)) {
                return "taint " + taint;
            }
        }
        return null;
    }

    private static boolean matches(JsonNode expression, Map<String, String> labels) {
        String key = expression.path("key").asString();
        String value = labels.get(key);
        List<String> values = new ArrayList<>();
        expression.path("values").forEach(v -> values.add(v.asString()));
        return switch (expression.path("operator").asString()) {
            case "In" -> value != null && values.contains(value);
            case "NotIn" -> value == null || !values.contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            case "Gt" -> value != null && Long.parseLong(value) > Long.parseLong(values.get(0));
            case "Lt" -> value != null && Long.parseLong(value) < Long.parseLong(values.get(0));
            default -> throw new IllegalArgumentException("operator " + expression);
        };
    }

    static boolean tolerated(JsonNode tolerations, JsonNode taint) {
        for (JsonNode t : tolerations) {
            String key = t.path("key").asString("");
            boolean exists = t.path("operator").asString("Equal").equals("Exists");
            boolean keyMatches = key.isEmpty() ? exists : key.equals(taint.path("key").asString());
            boolean valueMatches = exists || t.path("value").asString("").equals(taint.path("value").asString(""));
            boolean effectMatches = t.path("effect").asString("").isEmpty() || t.path("effect").asString().equals(taint.path("effect").asString());
            if (keyMatches && valueMatches && effectMatches) {
                return true;
            }
        }
        return false;
    }
}
