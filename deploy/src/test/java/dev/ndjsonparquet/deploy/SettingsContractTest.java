package dev.ndjsonparquet.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.controller.builder.BuilderSettings;
import dev.ndjsonparquet.controller.dispatch.DispatcherSettings;
import dev.ndjsonparquet.settings.Setting;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * The chart's settings ConfigMaps speak the controller's language: every variable is one the role declares,
 * every required one is there (non-empty with a complete set of values), the chart's defaults are the
 * controller's, and every value the chart sets parses. Read from the declarations themselves
 * ({@code DispatcherSettings.ALL}, {@code BuilderSettings.ALL}), so a setting added there is checked here.
 */
class SettingsContractTest {

    /** Variables the JVM itself reads, not the controller's settings. */
    private static final Set<String> JVM = Set.of("JAVA_TOOL_OPTIONS");
    /** Declared for local runs and tests only; never set on a cluster. */
    private static final Set<String> LOCAL_ONLY = Set.of("AWS_ENDPOINT_URL");
    /** Defaults the chart sets on purpose to something else: one Lease per release, the region of the cluster. */
    private static final Set<String> CHART_OWN_DEFAULT = Set.of("LEASE_NAME", "AWS_REGION");

    /** The env-backed settings a role reads, by environment variable. */
    static Map<String, Setting<?>> declarations(String role) {
        List<Setting<?>> all = switch (role) {
            case "dispatcher" -> DispatcherSettings.ALL;
            case "builder" -> BuilderSettings.ALL;
            default -> throw new IllegalArgumentException(role);
        };
        Map<String, Setting<?>> out = new LinkedHashMap<>();
        for (Setting<?> s : all) {
            if (s.env() != null) {
                out.put(s.env(), s);
            }
        }
        assertTrue(out.size() > 5, role + " declares hardly any environment variables: " + out.keySet());
        return out;
    }

    private static Map<String, String> configMap(List<JsonNode> objects, String role) {
        Map<String, String> out = new LinkedHashMap<>();
        Chart.find(objects, "ConfigMap", Chart.RELEASE + "-" + role).path("data").properties()
                .forEach(e -> out.put(e.getKey(), e.getValue().asString()));
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"dispatcher", "builder"})
    void everyVariableIsDeclaredAndEveryRequiredOneIsSet(String role) {
        Map<String, Setting<?>> declared = declarations(role);
        Map<String, String> set = configMap(Chart.render(Chart.values("all-on.yaml")), role);
        Set<String> unknown = new TreeSet<>(set.keySet());
        unknown.removeAll(declared.keySet());
        unknown.removeAll(JVM);
        assertEquals(Set.of(), unknown, role + " sets variables the controller does not read");
        List<String> missing = new ArrayList<>();
        for (Setting<?> d : declared.values()) {
            if (d.required() && set.getOrDefault(d.env(), "").isEmpty()) {
                missing.add(d.env());
            }
            if (!LOCAL_ONLY.contains(d.env()) && !set.containsKey(d.env())) {
                missing.add(d.env() + " (not exposed by the chart)");
            }
        }
        assertEquals(List.of(), missing, role + " lacks required settings");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dispatcher", "builder"})
    void theChartsDefaultsAreTheControllers(String role) {
        Map<String, String> set = configMap(Chart.render(), role);
        List<String> differ = new ArrayList<>();
        int compared = 0;
        for (Setting<?> d : declarations(role).values()) {
            String chart = set.get(d.env());
            if (d.defaultValue() == null || chart == null || CHART_OWN_DEFAULT.contains(d.env())) {
                continue;
            }
            compared++;
            Object parsed = chart.isEmpty() && "".equals(d.defaultValue()) ? "" : d.parse(chart);
            if (!Objects.equals(parsed, d.defaultValue())) {
                differ.add(d.env() + ": chart " + chart + ", controller " + d.defaultValue());
            }
        }
        assertEquals(List.of(), differ);
        assertTrue(compared > 5, role + ": too few defaults compared (" + compared + ")");
        assertTrue(set.get("LEASE_NAME").startsWith(Chart.RELEASE), "one Lease per release");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dispatcher", "builder"})
    void everyValueTheChartSetsParses(String role) {
        Map<String, Setting<?>> declared = declarations(role);
        List<String> refused = new ArrayList<>();
        for (List<JsonNode> rendered : List.of(Chart.render(), Chart.render(Chart.values("all-on.yaml")))) {
            configMap(rendered, role).forEach((env, value) -> {
                Setting<?> s = declared.get(env);
                if (s == null || value.isEmpty()) {
                    return;
                }
                try {
                    s.parse(value);
                } catch (IllegalArgumentException e) {
                    refused.add(env + ": " + e.getMessage());
                }
            });
        }
        assertEquals(List.of(), refused, role + ": the controller refuses values the chart sets");
        Map<String, String> set = configMap(Chart.render(), role);
        Path template = Path.of(set.getOrDefault("SPARK_APPLICATION_TEMPLATE", "/etc/ndjson-parquet/template/sparkapplication.yaml"));
        assertTrue(template.isAbsolute());
    }
}
