package dev.ndjsonparquet.controller.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.controller.k8s.ApplicationState;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HealthServerTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesMetricsLivenessAndReadiness() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        DispatcherMetrics metrics = new DispatcherMetrics(registry);
        metrics.received();
        metrics.created();
        metrics.deadLettered("poison");
        metrics.active(3);
        metrics.queueDepth(42);
        metrics.timeInState(ApplicationState.RUNNING, Duration.ofSeconds(90));
        AtomicBoolean alive = new AtomicBoolean(true);
        try (HealthServer server = HealthServer.start(0, registry, alive::get, () -> false)) {
            String text = get(server.port(), "/metrics").body();
            for (String line : new String[] {"ndjson_parquet_dispatcher_messages_received_total 1.0",
                    "ndjson_parquet_dispatcher_applications_launched_total 1.0",
                    "ndjson_parquet_dispatcher_messages_dead_lettered_total{cause=\"poison\"} 1.0",
                    "ndjson_parquet_dispatcher_applications_active 3.0",
                    "ndjson_parquet_dispatcher_queue_depth 42.0",
                    "ndjson_parquet_dispatcher_application_state_duration_seconds_count{state=\"RUNNING\"} 1"}) {
                assertTrue(text.contains(line), () -> line + " missing from\n" + text);
            }
            assertEquals(200, get(server.port(), "/healthz").statusCode());
            assertEquals(503, get(server.port(), "/readyz").statusCode());
            alive.set(false);
            assertEquals(503, get(server.port(), "/healthz").statusCode());
        }
    }
}
