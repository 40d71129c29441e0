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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@code /readyz} follows real state: a leader elected (here or elsewhere) and queues that answer. */
class ReadinessTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T00:00:00Z"));

    @Test
    void readyOnlyWithALeaderElectedAndQueuesAnswering() {
        AtomicBoolean leaderKnown = new AtomicBoolean(false);
        AtomicBoolean queueUp = new AtomicBoolean(true);
        AtomicInteger probes = new AtomicInteger();
        Readiness r = new Readiness("dispatcher", leaderKnown::get, () -> {
            probes.incrementAndGet();
            if (!queueUp.get()) {
                throw new IllegalStateException("AccessDenied: sqs:GetQueueAttributes");
            }
            return true;
        }, clock, Duration.ofSeconds(30));

        assertFalse(r.getAsBoolean(), "no Lease observed yet");
        assertTrue(r.reason().contains("no leader"), r.reason());
        leaderKnown.set(true);
        assertTrue(r.getAsBoolean(), "a standby that sees the leader is ready");
        assertEquals(1, probes.get(), "the queue answer is reused within the probe period");

        queueUp.set(false);
        assertTrue(r.getAsBoolean(), "the last answer stands until the next probe");
        clock.advance(Duration.ofSeconds(31));
        assertFalse(r.getAsBoolean(), "a queue that stops answering makes the replica unready");
        assertTrue(r.reason().contains("AccessDenied"), r.reason());
        assertEquals(2, probes.get());

        queueUp.set(true);
        clock.advance(Duration.ofSeconds(31));
        assertTrue(r.getAsBoolean());
        leaderKnown.set(false);
        assertFalse(r.getAsBoolean(), "losing sight of every leader");
    }

    @Test
    void theHealthServerAnswersReadyzFromIt() throws Exception {
        AtomicBoolean leaderKnown = new AtomicBoolean(false);
        Readiness r = new Readiness("builder", leaderKnown::get, () -> true, clock, Duration.ofSeconds(30));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try (HealthServer server = HealthServer.start(0, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), () -> true, r)) {
            HttpRequest readyz = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/readyz"))
                    .timeout(Duration.ofSeconds(5)).build();
            assertEquals(503, http.send(readyz, HttpResponse.BodyHandlers.ofString()).statusCode());
            leaderKnown.set(true);
            assertEquals(200, http.send(readyz, HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }
}
