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
        // Spark's own metrics (metrics_ndjson_parquet_spark_..., metrics_executor_...) are not the controller's.
        assertEquals(Set.of(), unknownMetrics(dashboard.replaceAll("metrics_ndjson_parquet_spark_[a-zA-Z_]+", ""), sources));
    }

    private static String controllerSources() throws IOException {
        try (Stream<Path> files = Files.walk(Repo.root().resolve("controller/src/main/java"))) {
            return files.filter(p -> p.toString().endsWith(".java")).map(p -> {
                try {
                    return Files.readString(p);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).collect(Collectors.joining("\n"));
        }
    }

    /** Metric names in a PromQL text that no controller class registers. */
    private static Set<String> unknownMetrics(String promql, String sources) {
        Set<String> missing = new TreeSet<>();
        Matcher m = Pattern.compile("\\bndjson_[a-z_]+").matcher(promql);
        while (m.find()) {
            String base = m.group().replaceAll("(_seconds_count|_seconds_sum|_total)$", "");
            String dispatcherSuffix = base.replaceFirst("^ndjson_parquet_dispatcher_", "");
            if (!sources.contains("\"" + base + "\"") && !sources.contains("P + \"" + dispatcherSuffix + "\"")) {
                missing.add(m.group());
            }
        }
        return missing;
    }

    @Test
    void everyControllerMetricHasTheOnePrefix() throws IOException {
        Matcher m = Pattern.compile("(Counter|Gauge|Timer)\\.builder\\(\"([a-z_]+)\"").matcher(controllerSources());
        List<String> names = new java.util.ArrayList<>();
        while (m.find()) {
            names.add(m.group(2));
        }
        assertTrue(!names.isEmpty());
        for (String n : names) {
            assertTrue(n.startsWith("ndjson_parquet_"), n);
        }
    }

    @Test
    void thePrometheusRuleAlertsOnWhatThePipelineNeedsAndQueriesRealMetrics() throws IOException {
        List<JsonNode> objects = Chart.render(Chart.values("all-on.yaml"));
        JsonNode rule = Chart.find(objects, "PrometheusRule", Chart.RELEASE);
        Set<String> alerts = new TreeSet<>();
        StringBuilder exprs = new StringBuilder();
        for (JsonNode r : rule.path("spec").path("groups").get(0).path("rules")) {
            alerts.add(r.path("alert").asString());
            exprs.append(r.path("expr").asString()).append('\n');
            assertTrue(r.path("expr").asString().contains("namespace=\"" + Chart.NAMESPACE + "\""), "scoped to the release: " + r);
        }
        assertEquals(Set.of("NdjsonParquetManifestDeadLettered", "NdjsonParquetRunsFailing", "NdjsonParquetNoDispatcherLeader",
                "NdjsonParquetNoBuilderLeader", "NdjsonParquetBatchStopped", "NdjsonParquetControllerMetricsAbsent",
                "NdjsonParquetFilesWaiting", "NdjsonParquetApplicationsStuck", "NdjsonParquetOnDemandShareHigh"), alerts);
        assertEquals(Set.of(), unknownMetrics(exprs.toString(), controllerSources()));
        assertTrue(exprs.toString().contains("> 1800"), "oldest waiting file threshold from values");
        assertTrue(exprs.toString().contains("capacity_type=\"on-demand\"}[6h])) / sum(") && exprs.toString().contains("> 0.3"),
                "the on-demand share of executor-seconds against its threshold from values");
    }

    @Test
    void sparkDriversAndExecutorsExposePrometheusMetricsAndAPodMonitorScrapesThem() {
        List<JsonNode> objects = Chart.render(Chart.values("all-on.yaml"));
        JsonNode app = Chart.sparkApplicationTemplate(objects);
        JsonNode conf = app.path("spec").path("sparkConf");
        assertEquals("true", conf.path("spark.ui.prometheus.enabled").asString());
        assertEquals("org.apache.spark.metrics.sink.PrometheusServlet", conf.path("spark.metrics.conf.*.sink.prometheusServlet.class").asString());
        JsonNode monitor = Chart.find(objects, "PodMonitor", Chart.RELEASE + "-spark");
        assertEquals(app.path("metadata").path("namespace").asString(), monitor.path("spec").path("namespaceSelector").path("matchNames").get(0).asString());
        monitor.path("spec").path("selector").path("matchLabels").properties().forEach(e -> assertEquals(e.getValue().asString(),
                app.path("spec").path("driver").path("template").path("metadata").path("labels").path(e.getKey()).asString(), "selects the drivers"));
        Set<String> paths = new TreeSet<>();
        monitor.path("spec").path("podMetricsEndpoints").forEach(ep -> paths.add(ep.path("path").asString()));
        assertEquals(Set.of(conf.path("spark.metrics.conf.*.sink.prometheusServlet.path").asString(), "/metrics/executors/prometheus/"), paths);
        // Event logs to S3 and a History Server reading them.
        assertEquals("true", conf.path("spark.eventLog.enabled").asString());
        assertEquals("s3a://example-pipeline/spark-events/", conf.path("spark.eventLog.dir").asString());
        JsonNode history = Chart.find(objects, "Deployment", Chart.RELEASE + "-history");
        assertTrue(history.toString().contains("spark.history.fs.logDirectory=s3a://example-pipeline/spark-events/"));
        assertTrue(Chart.ofKind(Chart.render(), "PodMonitor").isEmpty() && Chart.ofKind(Chart.render(), "PrometheusRule").isEmpty(),
                "off by default: they need the Prometheus Operator's CRDs");
    }

    @Test
    void theDashboardShowsTheSparkSide() throws IOException {
        JsonNode dashboard = Yaml.MAPPER.readTree(Files.readString(Repo.chart().resolve("dashboards/ndjson-parquet.json")));
        StringBuilder exprs = new StringBuilder();
        dashboard.path("panels").forEach(p -> p.path("targets").forEach(t -> exprs.append(t.path("expr").asString()).append('\n')));
        assertTrue(exprs.toString().contains("metrics_executor_"), "executor metrics from Spark's Prometheus endpoint");
        assertTrue(exprs.toString().contains("ndjson_parquet_spark_driver_") || exprs.toString().contains("metrics_ndjson_parquet_spark_driver_"),
                "driver metrics under the fixed spark.metrics.namespace");
    }

    /**
     * The Spark and cost panels select the job namespace through the dashboard's job_namespace variable: it must
     * default to this release's job namespace (it defaulted to the release namespace, where no Spark pod runs).
     */
    @Test
    void theDashboardsJobNamespaceIsTheReleasesJobNamespace() throws IOException {
        JsonNode file = Yaml.MAPPER.readTree(Files.readString(Repo.chart().resolve("dashboards/ndjson-parquet.json")));
        for (String values : List.of("grafana: {dashboard: {enabled: true}}\n", "grafana: {dashboard: {enabled: true}}\nspark: {namespace: etl-spark}\n")) {
            List<JsonNode> objects = Yaml.readAll(Chart.templateWith(values));
            String jobNs = Chart.sparkApplicationTemplate(objects).path("metadata").path("namespace").asString();
            JsonNode dashboard = Yaml.MAPPER.readTree(Chart.find(objects, "ConfigMap", Chart.RELEASE + "-dashboard").path("data")
                    .path("ndjson-parquet.json").asString());
            JsonNode variable = null;
            for (JsonNode v : dashboard.path("templating").path("list")) {
                if (v.path("name").asString().equals("job_namespace")) {
                    variable = v;
                }
            }
            assertEquals(jobNs, variable == null ? null : variable.path("query").asString(), values);
            // Nothing else of the dashboard changes.
            tools.jackson.databind.node.ObjectNode expected = (tools.jackson.databind.node.ObjectNode) file.deepCopy();
            for (JsonNode v : expected.path("templating").path("list")) {
                if (v.path("name").asString().equals("job_namespace")) {
                    ((tools.jackson.databind.node.ObjectNode) v).put("query", jobNs);
                }
            }
            assertEquals(expected, dashboard);
        }
    }

    @Test
    void metricsServicesTargetTheContainersMetricsPort() {
        List<JsonNode> objects = Chart.render(Chart.values("all-on.yaml"));
        List<JsonNode> services = Chart.ofKind(objects, "Service").stream()
                .filter(svc -> svc.path("metadata").path("labels").path("ndjson-parquet.dev/metrics").asString().equals("true")).toList();
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
