package dev.ndjsonparquet.controller.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.testsupport.MutableClock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A replica that backs off from a dependency's outage is not ready, and /readyz says which dependency and why. */
class ReadinessWaitingOnTest {

    @Test
    void aDependencyWaitedOnMakesTheReplicaUnreadyAndReadyzSaysWhich() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-30T00:00:00Z"));
        AtomicReference<Optional<String>> waiting = new AtomicReference<>(Optional.empty());
        Readiness r = new Readiness("builder", () -> true, () -> true, clock, Duration.ofSeconds(30)).waitingOn(waiting::get);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try (HealthServer server = HealthServer.start(0, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), () -> true, r)) {
            HttpRequest readyz = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/readyz"))
                    .timeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> ok = http.send(readyz, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode());
            assertEquals("ok\n", ok.body());

            waiting.set(Optional.of("s3 (since 2026-11-30T00:00:00Z): SdkClientException: Connection refused"));
            HttpResponse<String> out = http.send(readyz, HttpResponse.BodyHandlers.ofString());
            assertEquals(503, out.statusCode());
            assertTrue(out.body().startsWith("not ok: waiting on s3 (since 2026-11-30T00:00:00Z)"), out.body());
            assertFalse(r.getAsBoolean());
            assertTrue(r.reason().contains("Connection refused"), r.reason());

            waiting.set(Optional.empty());
            assertEquals(200, http.send(readyz, HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals("ready", r.reason());
        }
    }
}
