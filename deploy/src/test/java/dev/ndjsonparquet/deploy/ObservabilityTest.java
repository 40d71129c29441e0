package dev.ndjsonparquet.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The metrics Services reach the controller's port, and the dashboard only asks for metrics the controller exports. */
class ObservabilityTest {

    @Test
    void theDashboardQueriesOnlyMetricsTheControllerRegisters() throws IOException {
        String dashboard = Files.readString(Repo.chart().resolve("dashboards/ndjson-parquet.json"));
        JsonNode parsed = Yaml.MAPPER.readTree(dashboard);
        assertEquals("ndjson-parquet", parsed.path("uid").asString());
        String sources;
        try (Stream<Path> files = Files.walk(Repo.root().resolve("controller/src/main/java"))) {
            sources = files.filter(p -> p.toString().endsWith(".java")).map(p -> {
                try {
                    return Files.readString(p);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).collect(Collectors.joining("\n"));
        }
        Set<String> missing = new TreeSet<>();
        Matcher m = Pattern.compile("\\bndjson_[a-z_]+").matcher(dashboard);
        while (m.find()) {
            String base = m.group().replaceAll("(_seconds_count|_seconds_sum|_total)$", "");
            String dispatcherSuffix = base.replaceFirst("^ndjson_parquet_dispatcher_", "");
            if (!sources.contains("\"" + base + "\"") && !sources.contains("P + \"" + dispatcherSuffix + "\"")) {
                missing.add(m.group());
            }
        }
        assertEquals(Set.of(), missing);
    }

    @Test
    void metricsServicesTargetTheContainersMetricsPort() {
        List<JsonNode> objects = Chart.render(Chart.values("all-on.yaml"));
        List<JsonNode> services = Chart.ofKind(objects, "Service");
        assertEquals(2, services.size());
        for (JsonNode s : services) {
            assertEquals("metrics", s.path("spec").path("ports").get(0).path("targetPort").asString());
            assertEquals(8080, s.path("spec").path("ports").get(0).path("port").asInt());
        }
        JsonNode monitor = Chart.find(objects, "ServiceMonitor", Chart.RELEASE);
        assertEquals("/metrics", monitor.path("spec").path("endpoints").get(0).path("path").asString());
        JsonNode selector = monitor.path("spec").path("selector").path("matchLabels");
        for (JsonNode s : services) {
            selector.properties().forEach(e -> assertEquals(e.getValue().asString(),
                    s.path("metadata").path("labels").path(e.getKey()).asString(), "ServiceMonitor selects " + s.path("metadata").path("name")));
        }
        JsonNode dashboard = Chart.find(objects, "ConfigMap", Chart.RELEASE + "-dashboard");
        assertEquals("1", dashboard.path("metadata").path("labels").path("grafana_dashboard").asString());
        assertTrue(dashboard.path("data").path("ndjson-parquet.json").asString().contains("\"panels\""));
    }
}
