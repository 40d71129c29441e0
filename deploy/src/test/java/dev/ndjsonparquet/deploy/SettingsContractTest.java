package dev.ndjsonparquet.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/**
 * The chart's settings ConfigMaps speak the controller's language: every variable is one the role declares,
 * every required one is there (non-empty with a complete set of values), and the chart's defaults are the
 * controller's. Read from the settings declarations in controller/src/main/java (one declaration per key).
 */
class SettingsContractTest {

    /** Variables the JVM itself reads, not the controller's settings. */
    private static final Set<String> JVM = Set.of("JAVA_TOOL_OPTIONS");
    /** Declared for local runs and tests only; never set on a cluster. */
    private static final Set<String> LOCAL_ONLY = Set.of("AWS_ENDPOINT_URL");

    record Declared(String env, boolean required, String defaultValue) {
    }

    private static final List<String> FILES = List.of("dispatch/DispatcherSettings.java", "builder/BuilderSettings.java");

    private static String source(String file) throws IOException {
        return Files.readString(Repo.root().resolve("controller/src/main/java/dev/ndjsonparquet/controller").resolve(file));
    }

    /**
     * The env-backed settings a role reads: the constants in its {@code ALL} list, each declared by a
     * {@code Setting....build();} statement in one of the settings files (or an alias of one).
     */
    static Map<String, Declared> declarations(String file) throws IOException {
        Map<String, Declared> byConstant = new LinkedHashMap<>();
        Map<String, String> aliases = new LinkedHashMap<>();
        Pattern constant = Pattern.compile("static final Setting<.*?>\\s+(\\w+)\\s*=\\s*(Setting\\.[\\s\\S]*?\\.build\\(\\);|\\w+\\.(\\w+);)");
        for (String f : FILES) {
            Matcher m = constant.matcher(source(f));
            while (m.find()) {
                String statement = m.group(2);
                if (m.group(3) != null) {
                    aliases.put(f + "#" + m.group(1), m.group(3));
                    continue;
                }
                Matcher env = Pattern.compile("\\.env\\(\"([A-Z_]+)\"\\)").matcher(statement);
                if (!env.find()) {
                    continue;
                }
                Matcher def = Pattern.compile("\\.defaultValue\\(([^()]*?)\\)").matcher(statement);
                Declared d = new Declared(env.group(1), statement.contains(".required()"), def.find() ? def.group(1).trim() : null);
                byConstant.put(f + "#" + m.group(1), d);
            }
        }
        Matcher all = Pattern.compile("static final List<Setting<\\?>> ALL = List\\.of\\(([^;]*)\\);").matcher(source(file));
        assertTrue(all.find(), file + " has no ALL list");
        Map<String, Declared> out = new LinkedHashMap<>();
        for (String name : all.group(1).split(",")) {
            String c = name.trim().replaceFirst("^\\w+\\.", "");
            Declared d = byConstant.get(file + "#" + c);
            if (d == null && aliases.containsKey(file + "#" + c)) {
                String target = aliases.get(file + "#" + c);
                for (String f : FILES) {
                    d = d != null ? d : byConstant.get(f + "#" + target);
                }
            }
            if (d == null) {
                for (String f : FILES) {
                    d = d != null ? d : byConstant.get(f + "#" + c);
                }
            }
            assertTrue(d != null, file + ": cannot find the declaration of " + c);
            out.put(d.env(), d);
        }
        return out;
    }

    private static Map<String, String> configMap(List<JsonNode> objects, String role) {
        Map<String, String> out = new LinkedHashMap<>();
        Chart.find(objects, "ConfigMap", Chart.RELEASE + "-" + role).path("data").properties()
                .forEach(e -> out.put(e.getKey(), e.getValue().asString()));
        return out;
    }

    @ParameterizedTest
    @CsvSource({"dispatcher, dispatch/DispatcherSettings.java", "builder, builder/BuilderSettings.java"})
    void everyVariableIsDeclaredAndEveryRequiredOneIsSet(String role, String file) throws IOException {
        Map<String, Declared> declared = declarations(file);
        Map<String, String> set = configMap(Chart.render(Chart.values("all-on.yaml")), role);
        Set<String> unknown = new TreeSet<>(set.keySet());
        unknown.removeAll(declared.keySet());
        unknown.removeAll(JVM);
        assertEquals(Set.of(), unknown, role + " sets variables the controller does not read");
        List<String> missing = new ArrayList<>();
        for (Declared d : declared.values()) {
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
    @CsvSource({"dispatcher, dispatch/DispatcherSettings.java", "builder, builder/BuilderSettings.java"})
    void theChartsDefaultsAreTheControllers(String role, String file) throws IOException {
        Map<String, Declared> declared = declarations(file);
        Map<String, String> set = configMap(Chart.render(), role);
        List<String> differ = new ArrayList<>();
        for (Declared d : declared.values()) {
            String chart = set.get(d.env());
            if (d.defaultValue() == null || chart == null || d.env().equals("LEASE_NAME") || d.env().equals("AWS_REGION")) {
                continue;
            }
            String code = d.defaultValue().replaceAll("L$", "");
            if (code.matches("-?[0-9.]+")) {
                if (Double.parseDouble(code) != Double.parseDouble(chart)) {
                    differ.add(d.env() + ": chart " + chart + ", controller " + code);
                }
            } else if (code.startsWith("\"")) {
                if (!code.equals("\"" + chart + "\"")) {
                    differ.add(d.env() + ": chart " + chart + ", controller " + code);
                }
            }
        }
        assertEquals(List.of(), differ);
        assertTrue(set.get("LEASE_NAME").startsWith(Chart.RELEASE), "one Lease per release");
    }

    @ParameterizedTest
    @CsvSource({"dispatcher, dispatch/DispatcherSettings.java", "builder, builder/BuilderSettings.java"})
    void enumsAcceptTheChartsValues(String role, String file) throws IOException {
        String source = Files.readString(Repo.root().resolve("controller/src/main/java/dev/ndjsonparquet/controller").resolve(file));
        Map<String, String> set = configMap(Chart.render(), role);
        if (set.containsKey("QUARANTINE_MODE")) {
            Matcher e = Pattern.compile("enum QuarantineMode \\{([^}]*)}").matcher(source);
            assertTrue(e.find());
            assertTrue(e.group(1).toLowerCase().contains(set.get("QUARANTINE_MODE")), e.group(1));
        }
        Path template = Path.of(set.getOrDefault("SPARK_APPLICATION_TEMPLATE", "/etc/ndjson-parquet/template/sparkapplication.yaml"));
        assertTrue(template.isAbsolute());
    }
}
