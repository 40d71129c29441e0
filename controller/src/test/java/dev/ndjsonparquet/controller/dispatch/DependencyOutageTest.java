package dev.ndjsonparquet.controller.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.controller.k8s.Await;
import dev.ndjsonparquet.controller.observability.Readiness;
import dev.ndjsonparquet.manifest.ManifestCodec;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Issue 20, item 4: a dependency that fails is not the message's fault. Through an outage longer than the queue's
 * maxReceiveCount times the delay after which the dispatcher used to give a message back (min(30 s, visibility)), on
 * ElasticMQ with a real redrive policy, the dispatcher keeps its messages in flight and receives no more: no message
 * reaches the dead-letter queue, the metrics and /readyz say which dependency it waits on while it lasts, and every
 * manifest converts once after it.
 */
class DependencyOutageTest extends WithHarness {

    /** Three, not two: one lapse of a visibility extension on a stalled machine is no failure of the guarantee. */
    static final int MAX_RECEIVE_COUNT = 3;
    static final int MANIFESTS = 3;

    /** What is down, and what the dispatcher must say it waits on. */
    enum Outage {
        /** The API server refuses every call of the dispatcher (a partition, an upgrade). */
        KUBERNETES_API("kubernetes"),
        /** The API server answers, but creating a SparkApplication fails (spark-operator's webhook is down). */
        SPARK_OPERATOR_WEBHOOK("kubernetes"),
        /** S3 does not answer: manifests and attempt markers cannot be read. */
        S3("s3");

        final String dependency;

        Outage(String dependency) {
            this.dependency = dependency;
        }
    }

    @ParameterizedTest
    @EnumSource(Outage.class)
    void anOutageLongerThanMaxReceiveCountTimesTheOldDelaySendsNoMessageToTheDeadLetterQueue(Outage outage) {
        h.fresh(tmp, MAX_RECEIVE_COUNT);
        Harness.Limits limits = Harness.Limits.defaults();
        // The old dispatcher gave a message back after min(30 s, visibility): after maxReceiveCount such returns
        // ElasticMQ moves it to the dead-letter queue. The outage lasts longer than that, with a second of margin.
        Duration oldDelay = Duration.ofSeconds(Math.min(30, limits.visibility()));
        Duration outageAtLeast = oldDelay.multipliedBy(MAX_RECEIVE_COUNT).plusSeconds(1);
        AtomicBoolean down = new AtomicBoolean(true);
        AtomicInteger refused = new AtomicInteger();
        Harness.Wiring wiring = switch (outage) {
            case KUBERNETES_API -> h.wiring().withOperator(o -> apiDown(o, down, refused, false));
            case SPARK_OPERATOR_WEBHOOK -> h.wiring().withOperator(o -> apiDown(o, down, refused, true));
            case S3 -> h.wiring().withS3(s3 -> s3Down(s3, down, refused));
        };
        List<String> bodies = List.of(h.goodInS3(outage + "-1"), h.goodInS3(outage + "-2"), h.goodInS3(outage + "-3"));
        bodies.forEach(h::send);
        long start = System.nanoTime();
        try (ScriptedOperator operator = new ScriptedOperator(h, id -> false, Duration.ZERO);
             Harness.Controller c = h.controller(limits, () -> true, wiring)) {
            Readiness readiness = new Readiness("dispatcher", () -> true, () -> true, c.dispatcher::waitingOn,
                    Clock.systemUTC(), Duration.ofSeconds(30));
            Await.until(Duration.ofSeconds(60), () -> c.metrics.waitingOn(outage.dependency), "the gauge to say the dispatcher waits on "
                    + outage.dependency);
            assertFalse(readiness.getAsBoolean(), "not ready while waiting on " + outage.dependency);
            assertTrue(readiness.reason().contains("waiting on " + outage.dependency), readiness.reason());
            Await.until(Duration.ofSeconds(60), () -> Duration.ofNanos(System.nanoTime() - start).compareTo(outageAtLeast) >= 0
                    && refused.get() >= 3, "an outage of at least " + outageAtLeast + " with the dependency tried three times");
            assertTrue(c.metrics.waitingOn(outage.dependency), "still waiting at the end of the outage");
            assertEquals(0, h.depth(h.deadLetters), "nothing dead-lettered during the outage");
            assertEquals(0, h.applications().stream().filter(a -> a.getStatus() != null
                    && "COMPLETED".equals(a.getStatus().getApplicationState().getState())).count(), "nothing converted during the outage");
            down.set(false);

            Await.until(Duration.ofSeconds(60), () -> h.depth(h.queue) == 0, "every message settled after the outage");
            assertEquals(0, h.depth(h.deadLetters), "no message reached the dead-letter queue");
            for (String body : bodies) {
                String id = ManifestCodec.decodeMessage(body).manifestId();
                assertEquals(List.of("COMPLETED"), h.applications().stream()
                        .filter(a -> id.equals(a.getMetadata().getLabels().get(Labels.MANIFEST_ID)))
                        .map(a -> a.getStatus().getApplicationState().getState()).toList(), "one converted run of " + id);
            }
            Await.until(Duration.ofSeconds(30), () -> c.count("applications_succeeded") == MANIFESTS, "every success counted");
            Await.until(Duration.ofSeconds(30), () -> !c.metrics.waitingOn(outage.dependency) && readiness.getAsBoolean(),
                    "the dispatcher to say it waits on nothing once the dependency answers");
        }
    }

    /** The operator seam of a dispatcher cut off from the API server: every call fails, or (webhook) every create. */
    private static SparkOperator apiDown(SparkOperator real, AtomicBoolean down, AtomicInteger refused, boolean createsOnly) {
        return new ForwardingOperator(real) {
            private <T> T unlessDown(boolean affected, Supplier<T> call) {
                if (affected && down.get()) {
                    refused.incrementAndGet();
                    throw createsOnly
                            ? new KubernetesClientException("Internal error occurred: failed calling webhook "
                                    + "\"mutate-sparkoperator-k8s-io-v1beta2-sparkapplication.sparkoperator.k8s.io\": connection refused", 500, null)
                            : new KubernetesClientException("Failed to connect to the API server: Connection refused");
                }
                return call.get();
            }

            @Override
            public List<Run> list() {
                return unlessDown(!createsOnly, real::list);
            }

            @Override
            public Created createOrAdopt(SparkApplicationBuilder.Request request) {
                return unlessDown(true, () -> real.createOrAdopt(request));
            }

            @Override
            public Run annotate(String name, Map<String, String> annotations) {
                return unlessDown(!createsOnly, () -> real.annotate(name, annotations));
            }

            @Override
            public boolean delete(String name) {
                return unlessDown(!createsOnly, () -> real.delete(name));
            }
        };
    }

    /** An S3 client that cannot connect while {@code down}. */
    private static S3Client s3Down(S3Client real, AtomicBoolean down, AtomicInteger refused) {
        return (S3Client) Proxy.newProxyInstance(S3Client.class.getClassLoader(), new Class<?>[] {S3Client.class},
                (proxy, method, args) -> {
                    if (down.get() && !method.getName().equals("close") && !method.getName().equals("serviceName")) {
                        refused.incrementAndGet();
                        throw SdkClientException.create("Unable to execute HTTP request: Connect to s3 failed: Connection refused");
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
