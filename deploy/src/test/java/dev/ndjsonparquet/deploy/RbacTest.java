package dev.ndjsonparquet.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The chart grants exactly the Kubernetes API calls the controller makes, as listed once in
 * controller/src/main/resources/rbac-calls.yaml, in the right namespaces, and each rule says why.
 */
class RbacTest {

    private static final Path CALLS = Repo.root().resolve("controller/src/main/resources/rbac-calls.yaml");
    private static final String JOBS = "spark-jobs";

    /** One grant: "namespace|apiGroup|resource|resourceName|verb" ("*" namespace for cluster-wide). */
    private static Set<String> expand(JsonNode rules, String namespace) {
        Set<String> out = new TreeSet<>();
        for (JsonNode rule : rules) {
            List<String> names = new ArrayList<>();
            rule.path("resourceNames").forEach(n -> names.add(n.asString()));
            if (names.isEmpty()) {
                names.add("");
            }
            for (JsonNode g : rule.path("apiGroups")) {
                for (JsonNode r : rule.path("resources")) {
                    for (String n : names) {
                        for (JsonNode v : rule.path("verbs")) {
                            out.add(namespace + "|" + g.asString() + "|" + r.asString() + "|" + n + "|" + v.asString());
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Everything the ServiceAccount {@code saName} in the release namespace may do, from the rendered bindings. */
    static Set<String> grantsOf(List<JsonNode> objects, String saNamespace, String saName) {
        Set<String> out = new TreeSet<>();
        for (JsonNode binding : objects) {
            String kind = binding.path("kind").asString();
            if (!kind.equals("RoleBinding") && !kind.equals("ClusterRoleBinding")) {
                continue;
            }
            boolean bound = false;
            for (JsonNode s : binding.path("subjects")) {
                bound |= s.path("kind").asString().equals("ServiceAccount") && s.path("name").asString().equals(saName)
                        && s.path("namespace").asString().equals(saNamespace);
            }
            if (!bound) {
                continue;
            }
            String roleKind = binding.path("roleRef").path("kind").asString();
            String scope = kind.equals("ClusterRoleBinding") ? "*" : binding.path("metadata").path("namespace").asString();
            JsonNode role = objects.stream()
                    .filter(o -> o.path("kind").asString().equals(roleKind)
                            && o.path("metadata").path("name").asString().equals(binding.path("roleRef").path("name").asString())
                            && (roleKind.equals("ClusterRole") || o.path("metadata").path("namespace").asString().equals(scope)))
                    .findFirst().orElseThrow(() -> new AssertionError(binding.path("metadata").path("name").asString() + " binds a missing role"));
            out.addAll(expand(role.path("rules"), scope));
        }
        return out;
    }

    private static List<JsonNode> render() {
        return Chart.render(Chart.values("all-on.yaml"));
    }

    /**
     * With {@code scheduling.overflow} other than never, and an operator whose pods the dispatcher reads, the dispatcher
     * may also read nodes (get only): the capacity type of its executors' nodes. Otherwise it may not.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}, overflow {1}")
    @org.junit.jupiter.params.provider.CsvSource({"kubeflow, never", "apache, never", "kubeflow, when-spot-unavailable",
        "kubeflow, always", "apache, when-spot-unavailable"})
    void theDispatcherMayMakeExactlyTheCallsTheControllerDeclaresForItsOperatorOnly(String operator, String overflow) throws IOException {
        JsonNode calls = Yaml.read(Files.readString(CALLS));
        Set<String> declared = new TreeSet<>();
        // The dispatcher works in the job namespace: its SparkApplications, their Events and its Lease
        // (DispatcherCommand elects in the namespace it manages).
        declared.addAll(expand(calls.path("rules"), JOBS));
        declared.addAll(expand(calls.path("clusterRules"), "*"));
        declared.addAll(expand(calls.path("operators").path(operator).path("rules"), JOBS));
        declared.addAll(expand(calls.path("operators").path(operator).path("clusterRules"), "*"));
        boolean readsNodes = !overflow.equals("never");
        boolean operatorReadsPods = false;
        for (JsonNode o : calls.path("overflow").path("operators")) {
            operatorReadsPods |= o.asString().equals(operator);
        }
        if (readsNodes && operatorReadsPods) {
            declared.addAll(expand(calls.path("overflow").path("clusterRules"), "*"));
        }
        assertFalse(declared.isEmpty());

        List<JsonNode> rendered = Yaml.readAll(Chart.templateWith("sparkOperator: " + operator + "\nscheduling:\n  overflow: " + overflow
                + "\n", Chart.values("all-on.yaml")));
        Set<String> granted = grantsOf(rendered, Chart.NAMESPACE, Chart.RELEASE + "-dispatcher");
        assertEquals(declared, granted);
        assertEquals(readsNodes && operator.equals("kubeflow"), granted.contains("*||nodes||get"), granted.toString());
    }

    @Test
    void theBuilderMayOnlyHoldItsLease() throws IOException {
        JsonNode calls = Yaml.read(Files.readString(CALLS));
        Set<String> leases = new TreeSet<>();
        for (String grant : expand(calls.path("rules"), Chart.NAMESPACE)) {
            if (grant.contains("|leases|")) {
                leases.add(grant);
            }
        }
        assertEquals(Set.of(Chart.NAMESPACE + "|coordination.k8s.io|leases||get", Chart.NAMESPACE + "|coordination.k8s.io|leases||create",
                Chart.NAMESPACE + "|coordination.k8s.io|leases||patch"), leases);
        assertEquals(leases, grantsOf(render(), Chart.NAMESPACE, Chart.RELEASE + "-builder"));
    }

    @Test
    void theSparkDriverMayOnlyManageItsOwnPodsServicesAndConfigMapsInTheJobNamespace() {
        Set<String> grants = grantsOf(render(), JOBS, Chart.RELEASE + "-spark-driver");
        assertFalse(grants.isEmpty());
        for (String g : grants) {
            if (g.equals("*||nodes||get")) {
                continue; // scheduling.overflow's node read: theSparkDriverMayReadNodesExactlyWhenOverflowIsOn
            }
            assertTrue(g.startsWith(JOBS + "||"), g);
            assertTrue(g.matches(".*\\|(pods|services|configmaps|persistentvolumeclaims)\\|\\|.*"), g);
        }
    }

    /**
     * With {@code scheduling.overflow} other than never the Spark driver may also read nodes (get only, as declared under
     * sparkDriver.overflow): its result record's executor-seconds on spot and on-demand. Whatever the operator: the
     * driver lists its executor pods through its own Role. With never, nothing cluster-wide.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}, overflow {1}")
    @org.junit.jupiter.params.provider.CsvSource({"kubeflow, never", "apache, never", "kubeflow, when-spot-unavailable",
        "kubeflow, always", "apache, when-spot-unavailable"})
    void theSparkDriverMayReadNodesExactlyWhenOverflowIsOn(String operator, String overflow) throws IOException {
        JsonNode calls = Yaml.read(Files.readString(CALLS));
        Set<String> declared = expand(calls.path("sparkDriver").path("overflow").path("clusterRules"), "*");
        assertEquals(Set.of("*||nodes||get"), declared);
        List<JsonNode> rendered = Yaml.readAll(Chart.templateWith("sparkOperator: " + operator + "\nscheduling:\n  overflow: " + overflow
                + "\n", Chart.values("all-on.yaml")));
        Set<String> clusterWide = new TreeSet<>();
        for (String g : grantsOf(rendered, JOBS, Chart.RELEASE + "-spark-driver")) {
            if (g.startsWith("*|")) {
                clusterWide.add(g);
            }
        }
        assertEquals(overflow.equals("never") ? Set.of() : declared, clusterWide);
    }

    @Test
    void noRoleUsesWildcardsOrSecrets() {
        for (JsonNode o : render()) {
            if (o.path("kind").asString().endsWith("Role")) {
                for (String g : expand(o.path("rules"), "")) {
                    assertFalse(g.contains("*"), () -> o.path("metadata").path("name").asString() + ": " + g);
                    assertFalse(g.contains("|secrets|"), () -> o.path("metadata").path("name").asString() + ": " + g);
                }
            }
        }
    }

    @Test
    void everyRuleInTheChartSaysWhyItExists() throws IOException {
        for (String file : List.of("rbac.yaml", "spark-rbac.yaml")) {
            List<String> lines = Files.readAllLines(Repo.chart().resolve("templates").resolve(file));
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).trim().startsWith("- apiGroups:")) {
                    String previous = lines.get(i - 1).trim();
                    int line = i + 1;
                    assertTrue(previous.startsWith("#"), () -> file + ":" + line + " has a rule without a comment");
                }
            }
        }
    }
}
