package dev.ndjsonparquet.controller.dispatch;

import dev.ndjsonparquet.controller.aws.AwsClients;
import dev.ndjsonparquet.controller.aws.ManifestLoader;
import dev.ndjsonparquet.controller.aws.SqsQueue;
import dev.ndjsonparquet.controller.k8s.Await;
import dev.ndjsonparquet.controller.k8s.EventRecorder;
import dev.ndjsonparquet.controller.k8s.SparkApplication;
import dev.ndjsonparquet.controller.k8s.SparkApplicationStatus;
import dev.ndjsonparquet.controller.k8s.SparkApplications;
import dev.ndjsonparquet.controller.observability.DispatcherMetrics;
import dev.ndjsonparquet.location.AllowedInputs;
import dev.ndjsonparquet.location.LocationPrefixes;
import dev.ndjsonparquet.location.TrustedLocations;
import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestCodec;
import dev.ndjsonparquet.manifest.ManifestMessage;
import dev.ndjsonparquet.testsupport.SharedDir;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The real protocol servers a dispatcher test talks to (ElasticMQ, the Fabric8 CRUD mock with the
 * SparkApplication CRD), fresh queues and a fresh namespace per test, and spark-operator's part: the
 * test writes application status the way spark-operator does.
 */
final class Harness implements AutoCloseable {

    static final Dispatcher.Timing FAST = new Dispatcher.Timing(1, 1, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofHours(1));
    private static final AtomicInteger SEQ = new AtomicInteger();

    final SQSRestServer server;
    final AwsClients aws;
    final KubernetesClient client;
    String namespace;
    SqsQueue queue;
    SqsQueue deadLetters;
    Path manifests;

    Harness(KubernetesClient client) {
        this.client = client;
        this.server = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
        int port = server.waitUntilStarted().localAddress().getPort();
        this.aws = AwsClients.create("us-east-1", URI.create("http://127.0.0.1:" + port),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")), AwsClients.Timeouts.DEFAULT);
        if (client.apiextensions().v1().customResourceDefinitions().withName(SparkApplication.CRD_NAME).get() == null) {
            client.apiextensions().v1().customResourceDefinitions()
                    .load(SharedDir.resolve("crds/sparkoperator.k8s.io_sparkapplications.yaml").toFile()).create();
        }
    }

    /** New queues (the main one redrives to the dead-letter one), a new namespace and manifest folder. */
    void fresh(Path tmp) {
        int n = SEQ.incrementAndGet();
        namespace = "t" + n;
        SqsClient sqs = aws.sqs();
        String dlqUrl = sqs.createQueue(r -> r.queueName("dlq-" + n)).queueUrl();
        String dlqArn = sqs.getQueueAttributes(r -> r.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String url = sqs.createQueue(r -> r.queueName("manifests-" + n).attributes(Map.of(QueueAttributeName.REDRIVE_POLICY,
                "{\"maxReceiveCount\":\"10\",\"deadLetterTargetArn\":\"" + dlqArn + "\"}"))).queueUrl();
        queue = new SqsQueue(sqs, url);
        deadLetters = new SqsQueue(sqs, dlqUrl);
        deadLettersSeen.clear();
        manifests = tmp;
    }

    /** A dispatcher with its own metrics; {@code settings} adjusts the limits. */
    Controller controller(Limits limits, BooleanSupplier leader) {
        return controller(limits, leader, client);
    }

    /** A dispatcher that talks to Kubernetes through {@code dispatcherClient}. */
    Controller controller(Limits limits, BooleanSupplier leader, KubernetesClient dispatcherClient) {
        return controller(limits, leader, new Wiring(dispatcherClient, Clock.systemUTC(), a -> a, q -> q, q -> q));
    }

    /**
     * What a test may change in how a dispatcher is assembled: its Kubernetes client and clock, and
     * wrappers around its applications adapter and its two queues (faults).
     */
    record Wiring(KubernetesClient client, Clock clock, UnaryOperator<SparkApplications> applications,
                  UnaryOperator<SqsQueue> queue, UnaryOperator<SqsQueue> deadLetters) {
        Wiring withClock(Clock c) {
            return new Wiring(client, c, applications, queue, deadLetters);
        }
    }

    Wiring wiring() {
        return new Wiring(client, Clock.systemUTC(), a -> a, q -> q, q -> q);
    }

    Controller controller(Limits limits, BooleanSupplier leader, Wiring w) {
        DispatcherMetrics metrics = new DispatcherMetrics(new SimpleMeterRegistry());
        SparkApplications apps = w.applications().apply(new SparkApplications(w.client(), namespace));
        Dispatcher d = new Dispatcher(
                new Dispatcher.Adapters(w.queue().apply(queue), w.deadLetters().apply(deadLetters), new ManifestLoader(aws.s3(), true), apps,
                        new EventRecorder(w.client(), namespace, "ndjson-parquet-dispatcher", "test"), metrics),
                new Dispatcher.Limits(limits.maxConcurrent, limits.visibility, 100, trust(), limits.runLimit),
                new SparkApplicationBuilder(ApplicationTemplate.load(null), new ExecutorSizing(16, 1, 10), List.of(), namespace),
                new StatePolicy(new RetryPolicy(limits.maxAttempts, limits.backoff), limits.stuck),
                leader, w.clock(), FAST);
        return new Controller(d, metrics);
    }

    /** Where the test's manifests, inputs, outputs and schemas may be. */
    TrustedLocations trust() {
        return new TrustedLocations(new LocationPrefixes("manifest locations", List.of(manifests.toUri().toString())),
                AllowedInputs.parse("s3://landing/in/"), new LocationPrefixes("outputs", List.of("s3a://lake/out/")),
                new LocationPrefixes("schema locations", List.of("s3a://lake/schemas/")));
    }

    record Limits(int maxConcurrent, int visibility, int maxAttempts, Duration backoff, Duration stuck, RunTimeLimit runLimit) {
        static Limits defaults() {
            return new Limits(10, 4, 3, Duration.ofSeconds(1), Duration.ofMinutes(10), new RunTimeLimit(50, Duration.ofHours(1)));
        }

        Limits maxConcurrent(int n) {
            return new Limits(n, visibility, maxAttempts, backoff, stuck, runLimit);
        }

        Limits maxAttempts(int n) {
            return new Limits(maxConcurrent, visibility, n, backoff, stuck, runLimit);
        }

        Limits stuck(Duration d) {
            return new Limits(maxConcurrent, visibility, maxAttempts, backoff, d, runLimit);
        }

        Limits backoff(Duration d) {
            return new Limits(maxConcurrent, visibility, maxAttempts, d, stuck, runLimit);
        }

        Limits runLimit(Duration minimum) {
            return new Limits(maxConcurrent, visibility, maxAttempts, backoff, stuck, new RunTimeLimit(1e12, minimum));
        }
    }

    /** A running dispatcher loop on its own thread. */
    static final class Controller implements AutoCloseable {
        final Dispatcher dispatcher;
        final DispatcherMetrics metrics;
        private final Thread thread;

        Controller(Dispatcher dispatcher, DispatcherMetrics metrics) {
            this.dispatcher = dispatcher;
            this.metrics = metrics;
            this.thread = new Thread(dispatcher, "dispatcher-under-test");
            thread.setDaemon(true);
            thread.start();
        }

        /** The loop is still running (not stopped by a test's kill). */
        boolean alive() {
            return thread.isAlive();
        }

        /** Waits until the loop has gone round {@code n} more times. */
        void awaitLoops(int n) {
            long target = metrics.loops() + n;
            Await.until(Duration.ofSeconds(30), () -> metrics.loops() >= target, n + " more dispatcher steps");
        }

        double count(String name) {
            return metrics.count(name);
        }

        /** Stops abruptly, as a killed pod: nothing is settled, messages stay hidden until they time out. */
        @Override
        public void close() {
            dispatcher.stop();
            try {
                thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- messages and manifests ---------------------------------------------------------------

    /** Writes the manifest to a file and returns the message body that points to it. */
    String write(Manifest m) {
        Path p = manifests.resolve(m.manifestId() + ".json");
        try {
            Files.write(p, ManifestCodec.encode(m));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ManifestCodec.encodeMessage(ManifestMessage.of(p.toUri().toString(), m));
    }

    String good(String salt) {
        return write(Fixtures.manifest("s3a://landing/in/", 2, 3 * Fixtures.GIB, salt));
    }

    void send(String body) {
        queue.send(body, Map.of());
    }

    long depth(SqsQueue q) {
        return q.approximateDepth().orElse(-1);
    }

    private final List<Message> deadLettersSeen = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** The dead letters received so far by {@link #drainDeadLettersNow()} in this test. */
    List<Message> deadLettersSeen() {
        return List.copyOf(deadLettersSeen);
    }

    /** One receive from the dead-letter queue (no wait); what it returns is also kept in {@link #deadLettersSeen()}. */
    List<Message> drainDeadLettersNow() {
        List<Message> got = aws.sqs().receiveMessage(r -> r.queueUrl(deadLetters.url()).maxNumberOfMessages(10)
                .waitTimeSeconds(0).visibilityTimeout(3600).messageAttributeNames("All")).messages();
        deadLettersSeen.addAll(got);
        return deadLettersSeen();
    }

    List<Message> drainDeadLetters(int expected) {
        List<Message> out = new ArrayList<>();
        Await.until(Duration.ofSeconds(30), () -> {
            out.addAll(aws.sqs().receiveMessage(r -> r.queueUrl(deadLetters.url()).maxNumberOfMessages(10)
                    .waitTimeSeconds(1).messageAttributeNames("All")).messages());
            return out.size() >= expected;
        }, expected + " dead-lettered message(s)");
        return out;
    }

    // ---- spark-operator's part ----------------------------------------------------------------

    List<SparkApplication> applications() {
        return client.resources(SparkApplication.class).inNamespace(namespace).list().getItems();
    }

    SparkApplication application(String name) {
        return client.resources(SparkApplication.class).inNamespace(namespace).withName(name).get();
    }

    /** Reports the states one after the other, as spark-operator would. */
    void drive(String name, String... states) {
        for (String s : states) {
            status(name, s, s.contains("FAIL") ? "driver pod failed: exit code 137 (OOMKilled)" : null, null);
        }
    }

    void status(String name, String state, String error, Integer submissionAttempts) {
        SparkApplication app = application(name);
        SparkApplicationStatus st = new SparkApplicationStatus();
        st.setApplicationState(new SparkApplicationStatus.State(state, error));
        st.setSubmissionAttempts(submissionAttempts);
        st.setAdditionalProperty("driverInfo", Map.of());
        if (state.equals("COMPLETED") || state.equals("FAILED")) {
            st.setTerminationTime(java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        }
        app.setStatus(st);
        client.resources(SparkApplication.class).inNamespace(namespace).resource(app).updateStatus();
    }

    @Override
    public void close() {
        aws.close();
        server.stopAndWait();
    }
}
