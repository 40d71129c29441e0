package dev.ndjsonparquet.controller.observability;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * A tiny HTTP server for the kubelet and Prometheus: {@code /metrics}, {@code /healthz} (the work loop is
 * alive) and {@code /readyz} (start-up checks passed; when not ready, the body says why). Built on the JDK's own server: no framework.
 */
public final class HealthServer implements AutoCloseable {

    private final HttpServer server;

    private HealthServer(HttpServer server) {
        this.server = server;
    }

    /**
     * @param port     the port (0 for any free one)
     * @param registry what /metrics shows
     * @param alive    whether /healthz answers 200
     * @param ready    whether /readyz answers 200
     */
    public static HealthServer start(int port, PrometheusMeterRegistry registry, BooleanSupplier alive, BooleanSupplier ready) {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress(port), 16);
            s.createContext("/metrics", ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
            s.createContext("/healthz", ex -> status(ex, alive.getAsBoolean()));
            s.createContext("/readyz", ex -> {
                boolean ok = ready.getAsBoolean();
                // A Readiness says why it is not ready (no leader, queues, the dependency the work loop waits on).
                respond(ex, ok ? 200 : 503, "text/plain; charset=utf-8",
                        ok || !(ready instanceof Readiness r) ? (ok ? "ok\n" : "not ok\n") : "not ok: " + r.reason() + "\n");
            });
            s.setExecutor(Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "health-http");
                t.setDaemon(true);
                return t;
            }));
            s.start();
            return new HealthServer(s);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on port " + port + " for /metrics, /healthz and /readyz", e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void status(HttpExchange ex, boolean ok) throws IOException {
        respond(ex, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ok\n" : "not ok\n");
    }

    private static void respond(HttpExchange ex, int code, String type, String body) throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", type);
            ex.sendResponseHeaders(code, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        if (server.getExecutor() instanceof java.util.concurrent.ExecutorService e) {
            e.shutdownNow();
        }
    }
}
