package dev.ndjsonparquet.controller.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

/** A replica whose work loop waits on a dependency is not ready, and {@code /readyz} says which. */
class ReadinessWaitingTest {

    @Test
    void waitingOnADependencyMakesTheReplicaUnreadyAndTheBodySaysWhich() throws Exception {
        AtomicReference<Optional<String>> waiting = new AtomicReference<>(Optional.empty());
        Readiness r = new Readiness("dispatcher", () -> true, () -> true, waiting::get,
                new MutableClock(Instant.parse("2026-12-01T00:00:00Z")), Duration.ofSeconds(30));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try (HealthServer server = HealthServer.start(0, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), () -> true, r)) {
            HttpRequest readyz = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/readyz"))
                    .timeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> ok = http.send(readyz, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode());
            assertEquals("ok\n", ok.body());

            waiting.set(Optional.of("waiting on s3 (read manifest failing since 2026-12-01T00:00:00Z, 3 time(s): SdkClientException: refused)"));
            HttpResponse<String> down = http.send(readyz, HttpResponse.BodyHandlers.ofString());
            assertEquals(503, down.statusCode());
            assertEquals("not ok: waiting on s3 (read manifest failing since 2026-12-01T00:00:00Z, 3 time(s): SdkClientException: refused)\n",
                    down.body());

            waiting.set(Optional.empty());
            assertEquals(200, http.send(readyz, HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }
}
