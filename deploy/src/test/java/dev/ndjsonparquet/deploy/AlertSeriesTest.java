package dev.ndjsonparquet.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.controller.builder.BuilderMetrics;
import dev.ndjsonparquet.controller.observability.DispatcherMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Every alert of the PrometheusRule selects series the controllers export from the moment they start: the test
 * creates the dispatcher's and the builder's metrics as their commands do at start-up, scrapes them in Prometheus'
 * text format, and matches each alert's selectors (metric name and label matchers; the labels Prometheus adds per
 * target aside) and grouping labels against the series. A counter that appeared only at its first use made
 * {@code increase(...) > 0} miss the first dead letter of each cause after a restart; a leader gauge that did not exist
 * left "no builder leads" without an alert.
 */
class AlertSeriesTest {

    /** Labels Prometheus adds from the scrape target, not the application. */
    private static final Set<String> TARGET_LABELS = Set.of("namespace", "pod", "job", "instance", "service", "endpoint", "container");
    private static final Pattern SELECTOR = Pattern.compile("\\b(ndjson_parquet_[a-zA-Z0-9_:]*)\\s*(\\{([^}]*)})?");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"([^\"]*)\"");
    private static final Pattern SERIES = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)$");

    record Series(String name, Map<String, String> labels, double value) {
    }

    /** What a dispatcher and a builder export right after start-up, as Prometheus scrapes it. */
    static List<Series> seriesAtStartUp() {
        PrometheusMeterRegistry dispatcher = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new DispatcherMetrics(dispatcher);
        PrometheusMeterRegistry builder = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new BuilderMetrics(builder);
        List<Series> out = new ArrayList<>();
        for (String line : (dispatcher.scrape() + builder.scrape()).split("\n")) {
            Matcher m = SERIES.matcher(line.strip());
            if (line.startsWith("#") || !m.matches()) {
                continue;
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(3) != null) {
                Matcher l = MATCHER.matcher(m.group(3));
                while (l.find()) {
                    labels.put(l.group(1), l.group(3));
                }
            }
            out.add(new Series(m.group(1), labels, Double.parseDouble(m.group(4))));
        }
        return out;
    }

    private static boolean selects(Series s, String name, List<String[]> matchers) {
        if (!s.name().equals(name)) {
            return false;
        }
        for (String[] m : matchers) {
            if (TARGET_LABELS.contains(m[0])) {
                continue;
            }
            String v = s.labels().getOrDefault(m[0], "");
            boolean ok = switch (m[1]) {
                case "=" -> v.equals(m[2]);
                case "!=" -> !v.equals(m[2]);
                case "=~" -> v.matches(m[2]);
                default -> !v.matches(m[2]);
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    @Test
    void everyAlertSelectsSeriesTheControllersExportFromStartUp() {
        List<Series> series = seriesAtStartUp();
        JsonNode rule = Chart.find(Chart.render(Chart.values("all-on.yaml")), "PrometheusRule", Chart.RELEASE);
        List<String> problems = new ArrayList<>();
        int selectors = 0;
        for (JsonNode r : rule.path("spec").path("groups").get(0).path("rules")) {
            String alert = r.path("alert").asString();
            String expr = r.path("expr").asString();
            Set<String> groupedBy = new TreeSet<>();
            Matcher by = Pattern.compile("\\bby\\s*\\(([^)]*)\\)").matcher(expr);
            while (by.find()) {
                for (String label : by.group(1).split(",")) {
                    groupedBy.add(label.strip());
                }
            }
            Matcher sel = SELECTOR.matcher(expr);
            while (sel.find()) {
                selectors++;
                List<String[]> matchers = new ArrayList<>();
                if (sel.group(3) != null) {
                    Matcher m = MATCHER.matcher(sel.group(3));
                    while (m.find()) {
                        matchers.add(new String[] {m.group(1), m.group(2), m.group(3)});
                    }
                }
                List<Series> selected = series.stream().filter(s -> selects(s, sel.group(1), matchers)).toList();
                if (selected.isEmpty()) {
                    problems.add(alert + ": " + sel.group() + " selects nothing the controllers export at start-up");
                }
                for (Series s : selected) {
                    for (String label : groupedBy) {
                        if (!s.labels().containsKey(label)) {
                            problems.add(alert + ": " + s + " has no label '" + label + "' to group by");
                        }
                    }
                    boolean counted = expr.substring(0, sel.start()).matches("(?s).*\\b(increase|rate)\\(\\s*$");
                    if (counted && s.value() != 0) {
                        problems.add(alert + ": " + s + " is not at zero at start-up");
                    }
                }
            }
        }
        assertTrue(selectors >= 8, "selectors found: " + selectors);
        assertEquals(List.of(), problems);
    }

    /** Each cause the dispatcher dead-letters with has its series at zero from start-up, so its first use alerts. */
    @Test
    void everyDeadLetterCauseTheDispatcherUsesIsRegisteredAtZero() throws IOException {
        Set<String> used = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Repo.root().resolve("controller/src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = Pattern.compile("deadLettered\\(\"([^\"]+)\"\\)").matcher(Files.readString(f));
                while (m.find()) {
                    used.add(m.group(1));
                }
            }
        }
        assertTrue(!used.isEmpty(), "the dispatcher's dead-letter causes are found in its sources");
        Set<String> atZero = new TreeSet<>();
        for (Series s : seriesAtStartUp()) {
            if (s.name().equals("ndjson_parquet_dispatcher_messages_dead_lettered_total") && s.value() == 0) {
                atZero.add(s.labels().get("cause"));
            }
        }
        assertTrue(atZero.containsAll(used), "used " + used + ", registered at zero " + atZero);
        assertEquals(new TreeSet<>(DispatcherMetrics.DEAD_LETTER_CAUSES), atZero);
    }

    @Test
    void theBuilderLeaderGaugeFollowsTheLease() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        BuilderMetrics metrics = new BuilderMetrics(registry);
        assertTrue(registry.scrape().contains("ndjson_parquet_builder_leader 0.0"), registry.scrape());
        boolean[] leads = {true};
        metrics.leader(() -> leads[0]);
        assertTrue(registry.scrape().contains("ndjson_parquet_builder_leader 1.0"));
        leads[0] = false;
        assertTrue(registry.scrape().contains("ndjson_parquet_builder_leader 0.0"));
    }
}
