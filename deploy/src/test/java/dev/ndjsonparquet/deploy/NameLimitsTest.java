package dev.ndjsonparquet.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/**
 * What the API server checks on names and labels, computed here: the chart renders with the longest release
 * names Helm allows (53 characters), a 63-character namespace and a 63-character fullnameOverride, and every
 * object name, namespace, label key and value, selector and reference must pass the API server's validation.
 */
class NameLimitsTest {

    /** A DNS-1123 label: namespaces, and names that end up as label values. */
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    /** A DNS-1035 label: Service names (they become DNS names and environment variables). */
    private static final Pattern DNS_1035 = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
    /** A DNS-1123 subdomain: most object names. */
    private static final Pattern SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    /** A label value (and the name part of a label key), at most 63 characters. */
    private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
    /**
     * Kinds whose name a controller copies into a label value, so they must be DNS labels (63): Karpenter labels
     * nodes with their NodePool and EC2NodeClass, KEDA labels its HPA with the ScaledObject, and Services.
     */
    private static final Set<String> NAME_IS_A_LABEL = Set.of("NodePool", "EC2NodeClass", "ScaledObject", "Namespace", "Service");
    /** RBAC names are path segments: anything but '/', '%', '.' and '..'. */
    private static final Set<String> PATH_SEGMENT_NAMES = Set.of("Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding");

    private static final String LONG_NAMESPACE = "n".repeat(20) + "-data-platform-ingest-pipelines-" + "x".repeat(11);

    @ParameterizedTest(name = "release {0} ({1} characters)")
    @CsvSource({
        // The case: a 45-character release made `<fullname>-dispatcher-metrics` 64 characters long.
        "pipeline-analytics-production-eu-west-1-green, 45",
        "analytics-ingest-platform-production-eu-west-1-blue-x, 53",
        // A release that contains the chart name is the full name itself.
        "ndjson-parquet-analytics-production-eu-west-1-blue-x, 52"})
    void everyNameAndLabelPassesTheApiServersValidation(String release, int length) {
        assertEquals(length, release.length());
        check(release, LONG_NAMESPACE, Yaml.readAll(Chart.templateAsWith(release, LONG_NAMESPACE, "", Chart.values("all-on.yaml"))));
        check(release, LONG_NAMESPACE, Yaml.readAll(Chart.templateAsWith(release, LONG_NAMESPACE, "spark: {namespace: \"\"}\n",
                Chart.values("all-on.yaml"))));
    }

    @Test
    void aFullnameOverrideOf63CharactersKeepsEverySuffixWhole() {
        String override = "o".repeat(63);
        List<JsonNode> objects = Yaml.readAll(Chart.templateAsWith("short", "default",
                "fullnameOverride: " + override + "\n", Chart.values("all-on.yaml")));
        check("short", "default", objects);
        // The suffix survives, the prefix is cut: two roles never end up with one name.
        JsonNode dispatcher = find(objects, "Deployment", "-dispatcher");
        JsonNode builder = find(objects, "Deployment", "-builder");
        assertTrue(dispatcher.path("metadata").path("name").asString().length() <= 63);
        assertTrue(builder.path("metadata").path("name").asString().startsWith("ooo"));
    }

    @Test
    void theDefaultJobNamespaceOfALongReleaseNamespaceIsStillALabel() {
        String namespace = "n".repeat(63);
        List<JsonNode> objects = Yaml.readAll(Chart.templateAsWith("short", namespace, "spark: {namespace: \"\"}\n"));
        check("short", namespace, objects);
        String jobNs = find(objects, "Deployment", "-placeholder").path("metadata").path("namespace").asString();
        assertTrue(jobNs.endsWith("-jobs") && jobNs.length() <= 63, jobNs);
    }

    private static JsonNode find(List<JsonNode> objects, String kind, String nameSuffix) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asString())
                && o.path("metadata").path("name").asString().endsWith(nameSuffix)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " *" + nameSuffix));
    }

    private static void check(String release, String namespace, List<JsonNode> objects) {
        List<String> problems = new ArrayList<>();
        Set<String> identities = new HashSet<>();
        for (JsonNode o : objects) {
            String kind = o.path("kind").asString();
            String name = o.path("metadata").path("name").asString();
            String where = kind + " " + name;
            if (!identities.add(kind + "/" + o.path("metadata").path("namespace").asString() + "/" + name)) {
                problems.add(where + ": two objects of one kind share this name");
            }
            if (NAME_IS_A_LABEL.contains(kind)) {
                dnsLabel(problems, where + " name", name, kind.equals("Service") ? DNS_1035 : DNS_LABEL);
            } else if (PATH_SEGMENT_NAMES.contains(kind)) {
                if (name.isEmpty() || name.contains("/") || name.contains("%") || name.equals(".") || name.equals("..")) {
                    problems.add(where + ": not a path segment");
                }
            } else {
                subdomain(problems, where + " name", name);
            }
            if (kind.equals("CronJob") && name.length() > 52) {
                // The API server's rule: a CronJob's Jobs are named <cronjob>-<11 characters> and must stay labels.
                problems.add(where + ": a CronJob name is at most 52 characters, this is " + name.length());
            }
            if (o.path("metadata").has("namespace")) {
                dnsLabel(problems, where + " namespace", o.path("metadata").path("namespace").asString(), DNS_LABEL);
            }
            walk(problems, where, o);
            if (kind.equals("ConfigMap") && o.path("data").has("sparkapplication.yaml")) {
                JsonNode app = Yaml.read(o.path("data").path("sparkapplication.yaml").asString());
                walk(problems, where + " (SparkApplication template)", app);
                dnsLabel(problems, where + " template namespace", app.path("metadata").path("namespace").asString(), DNS_LABEL);
            }
            if (kind.equals("ConfigMap") && o.path("data").has("LEASE_NAME")) {
                subdomain(problems, where + " LEASE_NAME", o.path("data").path("LEASE_NAME").asString());
            }
        }
        assertTrue(objects.size() > 20, "rendered " + objects.size());
        assertEquals(List.of(), problems, "release " + release + " in " + namespace);
    }

    /** Label maps wherever they appear (labels, matchLabels, node selectors) and the names objects refer to. */
    private static void walk(List<String> problems, String where, JsonNode node) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                String key = e.getKey();
                JsonNode value = e.getValue();
                if ((key.equals("labels") || key.equals("matchLabels") || key.equals("nodeSelector")) && value.isObject()) {
                    value.properties().forEach(l -> label(problems, where, l.getKey(), l.getValue().asString()));
                } else if (key.equals("serviceAccountName") || key.equals("priorityClassName") || key.equals("serviceAccount")) {
                    if (value.isString()) {
                        subdomain(problems, where + " " + key, value.asString());
                    }
                } else if (key.equals("configMapRef") || key.equals("configMap") || key.equals("scaleTargetRef")
                        || key.equals("authenticationRef") || key.equals("nodeClassRef")) {
                    subdomain(problems, where + " " + key, value.path("name").asString());
                }
                walk(problems, where, value);
            }
        } else if (node.isArray()) {
            node.forEach(child -> walk(problems, where, child));
        }
    }

    private static void label(List<String> problems, String where, String key, String value) {
        int slash = key.indexOf('/');
        String prefix = slash < 0 ? null : key.substring(0, slash);
        String name = slash < 0 ? key : key.substring(slash + 1);
        if (prefix != null) {
            subdomain(problems, where + " label key prefix " + key, prefix);
        }
        if (name.isEmpty() || name.length() > 63 || !LABEL_VALUE.matcher(name).matches()) {
            problems.add(where + ": label key " + key + " is invalid");
        }
        if (value.length() > 63 || !LABEL_VALUE.matcher(value).matches()) {
            problems.add(where + ": label " + key + "=" + value + " (" + value.length() + " characters) is not a valid label value");
        }
    }

    private static void dnsLabel(List<String> problems, String what, String value, Pattern pattern) {
        if (value.length() > 63 || !pattern.matcher(value).matches()) {
            problems.add(what + " " + value + " (" + value.length() + " characters) is not a DNS label");
        }
    }

    private static void subdomain(List<String> problems, String what, String value) {
        if (value.length() > 253 || !SUBDOMAIN.matcher(value).matches()) {
            problems.add(what + " " + value + " is not a DNS subdomain");
        }
    }
}
