package dev.ndjsonparquet.tools.soak;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyOptions;
import io.vertx.httpproxy.ProxyRequest;
import io.vertx.httpproxy.ProxyResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;

/**
 * A reverse proxy in front of one in-process server (S3Mock, ElasticMQ or the Kubernetes mock API) that every
 * component reaches it through, the Spark drivers' S3A included. For each call it asks the {@link FaultSchedule}: a
 * call to fail before taking effect is answered here and never forwarded; one to take effect then fail is forwarded,
 * and the server's answer is replaced by an error or a reset connection; a slow one is forwarded and its answer held
 * past the callers' timeout. It also carries out the kills armed in {@link Callers}. Built on vert.x's HTTP proxy
 * (the vert.x core Fabric8's client already brings).
 */
public final class FaultProxy implements AutoCloseable {

    private static final String CALL = "soak.call";
    private static final String DECISION = "soak.decision";

    private final String server;
    private final FaultSchedule schedule;
    private final Callers callers;
    private final Duration slowFor;
    private final SoakCounts counts;
    private final HttpClient client;
    private final HttpServer http;
    private final Vertx vertx;

    /**
     * @param server  s3, sqs or k8s (names calls and shapes error answers)
     * @param slowFor how long a slow call's answer is held: longer than every caller's timeout for one attempt
     */
    public FaultProxy(Vertx vertx, String server, int originPort, FaultSchedule schedule, Callers callers, Duration slowFor,
                      SoakCounts counts) {
        this.vertx = vertx;
        this.server = server;
        this.schedule = schedule;
        this.callers = callers;
        this.slowFor = slowFor;
        this.counts = counts;
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(128));
        HttpProxy proxy = HttpProxy.reverseProxy(new ProxyOptions().setSupportWebSocket(true), client).origin(originPort, "127.0.0.1");
        proxy.addInterceptor(new Interceptor());
        this.http = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
                .setHandle100ContinueAutomatically(true)).requestHandler(proxy);
        try {
            http.listen().toCompletionStage().toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the " + server + " proxy cannot listen", e.getCause());
        }
    }

    public int port() {
        return http.actualPort();
    }

    private final class Interceptor implements ProxyInterceptor {

        @Override
        public Future<ProxyResponse> handleProxyRequest(ProxyContext ctx) {
            ProxyRequest req = ctx.request();
            req.headers().remove("Expect"); // answered here (100-continue); S3Mock would not answer it
            Call call = Call.of(server, req.getMethod().name(), req.getURI(), req.headers().get("X-Amz-Target"),
                    req.headers().get("x-amz-copy-source"), req.headers().get(Call.CALLER_HEADER), req.headers().get("User-Agent"));
            counts.call(call);
            if (callers.isDead(call.caller())) {
                return reset(req.proxiedRequest());
            }
            FaultSchedule.Decision d = schedule.decide(call);
            ctx.set(CALL, call);
            ctx.set(DECISION, d);
            if (d.fault() != null && !callers.isArmed(call.caller())) {
                counts.fault(call, d.fault(), d.reset());
            }
            if (d.fault() == Fault.FAILS_BEFORE && !callers.isArmed(call.caller())) {
                if (d.reset()) {
                    return reset(req.proxiedRequest());
                }
                HttpServerRequest incoming = req.proxiedRequest();
                Promise<ProxyResponse> answered = Promise.promise();
                incoming.body().onComplete(ignored -> answered.complete(error(req.response(), 503)));
                incoming.resume();
                return answered.future();
            }
            return ctx.sendRequest();
        }

        @Override
        public Future<Void> handleProxyResponse(ProxyContext ctx) {
            Call call = ctx.get(CALL, Call.class);
            FaultSchedule.Decision d = ctx.get(DECISION, FaultSchedule.Decision.class);
            if (call == null || d == null) {
                return ctx.sendResponse();
            }
            ProxyResponse resp = ctx.response();
            if (callers.killHere(call)) {
                counts.event("kills inside a call: " + call.caller().replaceAll("-\\d+$", "") + " during " + call.name());
                return drained(resp).compose(x -> reset(ctx.request().proxiedRequest()));
            }
            if (d.fault() == Fault.TAKES_EFFECT_THEN_FAILS) {
                return drained(resp).compose(x -> {
                    if (d.reset()) {
                        return reset(ctx.request().proxiedRequest());
                    }
                    error(resp, 500);
                    return ctx.sendResponse();
                });
            }
            if (d.fault() == Fault.SLOW) {
                Promise<Void> later = Promise.promise();
                vertx.setTimer(slowFor.toMillis(), id -> {
                    if (ctx.request().proxiedRequest().response().closed()) {
                        drained(resp).onComplete(x -> later.complete()); // the caller gave up long ago
                    } else {
                        ctx.sendResponse().onComplete(later);
                    }
                });
                return later.future();
            }
            return ctx.sendResponse();
        }
    }

    /** Reads the server's answer to its end (so its connection can serve the next call). */
    private static Future<Void> drained(ProxyResponse resp) {
        var origin = resp.proxiedResponse();
        if (origin == null) {
            return Future.succeededFuture();
        }
        Future<Buffer> body = origin.body();
        origin.resume();
        return body.transform(x -> Future.succeededFuture());
    }

    private static <T> Future<T> reset(HttpServerRequest request) {
        request.connection().close();
        return Future.failedFuture("connection reset by the soak");
    }

    /** Turns {@code resp} into the server's own error shape with {@code status}. */
    private ProxyResponse error(ProxyResponse resp, int status) {
        String type;
        String body;
        switch (server) {
            case "s3" -> {
                type = "application/xml";
                body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + (status == 503 ? "SlowDown" : "InternalError")
                        + "</Code><Message>injected by the soak</Message></Error>";
            }
            case "sqs" -> {
                type = "application/x-amz-json-1.0";
                body = "{\"__type\":\"com.amazonaws.sqs#" + (status == 503 ? "ServiceUnavailable" : "InternalError")
                        + "\",\"message\":\"injected by the soak\"}";
                resp.putHeader("x-amzn-query-error", (status == 503 ? "ServiceUnavailable" : "InternalError") + ";Receiver");
            }
            default -> {
                type = "application/json";
                body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"injected by the soak\","
                        + "\"reason\":\"" + (status == 503 ? "ServiceUnavailable" : "InternalError") + "\",\"code\":" + status + "}";
            }
        }
        resp.headers().remove("Content-Length").remove("Transfer-Encoding").remove("ETag").remove("Content-Encoding");
        return resp.setStatusCode(status).setStatusMessage(status == 503 ? "Service Unavailable" : "Internal Server Error")
                .putHeader("Content-Type", type)
                .setBody(Body.body(Buffer.buffer(body.getBytes(StandardCharsets.UTF_8))));
    }

    @Override
    public void close() {
        http.close();
        client.close();
    }
}
