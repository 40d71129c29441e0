package dev.ndjsonparquet.controller.dispatch;

import dev.ndjsonparquet.controller.aws.AttemptMarkerReader;
import dev.ndjsonparquet.controller.aws.AwsClients;
import dev.ndjsonparquet.controller.aws.ManifestLoader;
import dev.ndjsonparquet.controller.builder.TestServers;
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
import dev.ndjsonparquet.manifest.ExecutorSizing;
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
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The real protocol servers a dispatcher test talks to (ElasticMQ, the Fabric8 CRUD mock with the
 * SparkApplication CRD, S3Mock for the outputs' attempt markers), fresh queues and a fresh namespace per test, and
 * spark-operator's part: the test writes application status the way spark-operator does. The dispatcher reaches
 * spark-operator through the {@link SparkOperator} seam ({@link KubeflowOperator}), which a test may wrap.
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
        if (client.apiextensions().v1().customResourceDefinitions().withName(ApacheApplications.CRD_NAME).get() == null) {
            client.apiextensions().v1().customResourceDefinitions()
                    .load(SharedDir.resolve("crds/sparkapplications.spark.apache.org-v1.yaml").toFile()).create();
        }
    }

    /** New queues (the main one redrives to the dead-letter one), a new namespace and manifest folder. */
    void fresh(Path tmp) {
        fresh(tmp, 10);
    }

    /** The same, the manifest queue redriving after {@code maxReceiveCount} receives. */
    void fresh(Path tmp, int maxReceiveCount) {
        int n = SEQ.incrementAndGet();
        namespace = "t" + n;
        SqsClient sqs = aws.sqs();
        String dlqUrl = sqs.createQueue(r -> r.queueName("dlq-" + n)).queueUrl();
        String dlqArn = sqs.getQueueAttributes(r -> r.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String url = sqs.createQueue(r -> r.queueName("manifests-" + n).attributes(Map.of(QueueAttributeName.REDRIVE_POLICY,
                "{\"maxReceiveCount\":\"" + maxReceiveCount + "\",\"deadLetterTargetArn\":\"" + dlqArn + "\"}"))).queueUrl();
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
        return controller(limits, leader, wiring().withClient(dispatcherClient));
    }

    /**
     * What a test may change in how a dispatcher is assembled: its Kubernetes client and clock, and wrappers
     * around the operator seam, its two queues and its attempt-marker reader (faults, records, outages).
     */
    record Wiring(KubernetesClient client, Clock clock, UnaryOperator<SparkOperator> operator,
                  UnaryOperator<SqsQueue> queue, UnaryOperator<SqsQueue> deadLetters, UnaryOperator<S3Client> s3) {
        Wiring withClock(Clock c) {
            return new Wiring(client, c, operator, queue, deadLetters, s3);
        }

        Wiring withClient(KubernetesClient c) {
            return new Wiring(c, clock, operator, queue, deadLetters, s3);
        }

        Wiring withOperator(UnaryOperator<SparkOperator> o) {
            return new Wiring(client, clock, o, queue, deadLetters, s3);
        }

        Wiring withQueues(UnaryOperator<SqsQueue> q, UnaryOperator<SqsQueue> d) {
            return new Wiring(client, clock, operator, q, d, s3);
        }

        /** The S3 client the dispatcher reads manifests and attempt markers with. */
        Wiring withS3(UnaryOperator<S3Client> c) {
            return new Wiring(client, clock, operator, queue, deadLetters, c);
        }
    }

    Wiring wiring() {
        return new Wiring(client, Clock.systemUTC(), o -> o, q -> q, q -> q, c -> c);
    }

    /** Which operator the next dispatchers run against (a test class that plays Apache's sets it). */
    volatile OperatorKind kind = OperatorKind.KUBEFLOW;

    /** The operator of {@link #kind} behind the seam, as production assembles it. */
    SparkOperator operator(KubernetesClient c) {
        return kind == OperatorKind.KUBEFLOW ? kubeflow(c)
                : new ApacheOperator(c, namespace, new EventRecorder(c, namespace, "ndjson-parquet-dispatcher", "test"),
                new SparkApplicationBuilder(ApplicationTemplate.load(null), new ExecutorSizing(16, 1, 10), List.of(), namespace),
                Duration.ofMinutes(10));
    }

    /** kubeflow spark-operator behind the seam, as production assembles it. */
    SparkOperator kubeflow(KubernetesClient c) {
        return new KubeflowOperator(new SparkApplications(c, namespace),
                new EventRecorder(c, namespace, "ndjson-parquet-dispatcher", "test"),
                new SparkApplicationBuilder(ApplicationTemplate.load(null), new ExecutorSizing(16, 1, 10), List.of(), namespace));
    }

    Controller controller(Limits limits, BooleanSupplier leader, Wiring w) {
        DispatcherMetrics metrics = new DispatcherMetrics(new SimpleMeterRegistry());
        S3Client s3 = w.s3().apply(TestServers.get().s3);
        Dispatcher d = new Dispatcher(
                new Dispatcher.Ports(w.queue().apply(queue), w.deadLetters().apply(deadLetters), new ManifestLoader(s3, true),
                        new AttemptMarkerReader(s3), w.operator().apply(operator(w.client())), metrics),
                new Dispatcher.Limits(limits.maxConcurrent, limits.visibility, 100, trust(), limits.runLimit),
                new StatePolicy(new RetryPolicy(limits.maxAttempts, limits.backoff), limits.stuck),
                leader, w.clock(), FAST);
        return new Controller(d, metrics);
    }

    /** Where the test's manifests, inputs, outputs and schemas may be. */
    TrustedLocations trust() {
        return new TrustedLocations(new LocationPrefixes("manifest locations", List.of(manifests.toUri().toString(), "s3://"
                + MANIFEST_BUCKET + "/manifests/")),
                AllowedInputs.parse("s3://landing/in/"), new LocationPrefixes("outputs", List.of("s3a://lake/out/")),
                new LocationPrefixes("schema locations", List.of("s3a://lake/schemas/")));
    }

    /**
     * The visibility timeout of tests whose dispatcher runs on a clock that stands still: it never extends what it
     * holds, so with the default 4 s a message would come back every 4 s of wall time and, after the manifest queue's
     * receive limit, be moved to the dead letters by the queue itself on a slow machine.
     */
    static final int FROZEN_CLOCK_VISIBILITY = 300;

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

        Limits visibility(int seconds) {
            return new Limits(maxConcurrent, seconds, maxAttempts, backoff, stuck, runLimit);
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

    /** Where {@link #goodInS3} puts manifests (S3Mock). */
    static final String MANIFEST_BUCKET = "work";

    /** A good manifest written to S3 ({@code s3://work/manifests/<id>.json}); returns the message body that points to it. */
    String goodInS3(String salt) {
        Manifest m = Fixtures.manifest("s3a://landing/in/", 2, 3 * Fixtures.GIB, salt);
        S3Client s3 = TestServers.get().s3;
        bucket(s3, MANIFEST_BUCKET);
        String key = "manifests/" + m.manifestId() + ".json";
        s3.putObject(r -> r.bucket(MANIFEST_BUCKET).key(key), software.amazon.awssdk.core.sync.RequestBody.fromBytes(ManifestCodec.encode(m)));
        return ManifestCodec.encodeMessage(ManifestMessage.of("s3://" + MANIFEST_BUCKET + "/" + key, m));
    }

    /** Makes the bucket unless it exists. */
    static void bucket(S3Client s3, String name) {
        try {
            s3.createBucket(r -> r.bucket(name));
        } catch (software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException
                 | software.amazon.awssdk.services.s3.model.BucketAlreadyExistsException e) {
            // made by an earlier test
        }
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
            // hidden for the rest of the test: a letter read once is never read again as another
            out.addAll(aws.sqs().receiveMessage(r -> r.queueUrl(deadLetters.url()).maxNumberOfMessages(10)
                    .waitTimeSeconds(1).visibilityTimeout(3600).messageAttributeNames("All")).messages());
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

    // ---- the Apache Spark operator's part ---------------------------------------------------------

    List<io.fabric8.kubernetes.api.model.GenericKubernetesResource> apacheApplications() {
        return client.genericKubernetesResources(ApacheApplications.CONTEXT).inNamespace(namespace).list().getItems();
    }

    io.fabric8.kubernetes.api.model.GenericKubernetesResource apacheApplication(String name) {
        return client.genericKubernetesResources(ApacheApplications.CONTEXT).inNamespace(namespace).withName(name).get();
    }

    /** Reports the states one after the other, each added to the history, as Apache's operator would. */
    void driveApache(String name, String... states) {
        for (String state : states) {
            apacheState(name, state, state.equals("Failed") ? "Driver exited with code 137 (OOMKilled)" : null);
        }
    }

    /** One state of Apache's operator, added to the history, with its message (null: none). */
    void apacheState(String name, String state, String message) {
        var app = apacheApplication(name);
        Map<String, Object> status = new java.util.LinkedHashMap<>(ApacheApplications.map(app.getAdditionalProperties().get("status")));
        Map<String, Object> history = new java.util.LinkedHashMap<>(ApacheApplications.map(status.get("stateTransitionHistory")));
        Map<String, Object> current = new java.util.LinkedHashMap<>();
        current.put("currentStateSummary", state);
        current.put("lastTransitionTime", java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        if (message != null) {
            current.put("message", message);
        }
        history.put(Integer.toString(history.size()), current);
        status.put("currentState", current);
        status.put("stateTransitionHistory", history);
        app.setAdditionalProperty("status", status);
        // A patch of the status alone, as the API server takes a status write: the mock would also put back the
        // metadata of this copy, wiping annotations the dispatcher patched since it was read.
        client.genericKubernetesResources(ApacheApplications.CONTEXT).inNamespace(namespace).resource(app).patchStatus();
    }

    // ---- either operator's part, in the project's terms ------------------------------------------------

    /**
     * What the test reports as the operator of {@link #kind}, one step after the other: each step is the operator's
     * own states, written as it writes them (kubeflow's {@code applicationState.state}; Apache's
     * {@code currentStateSummary} with its history, a stopped attempt released at once).
     */
    enum Step {
        SUBMITTED, RUNNING, SUCCEEDED, FAILED;

        List<String> states(OperatorKind kind) {
            return kind == OperatorKind.KUBEFLOW ? switch (this) {
                case SUBMITTED -> List.of("SUBMITTED");
                case RUNNING -> List.of("RUNNING");
                case SUCCEEDED -> List.of("SUCCEEDING", "COMPLETED");
                case FAILED -> List.of("FAILED");
            } : switch (this) {
                case SUBMITTED -> List.of("Submitted");
                case RUNNING -> List.of("DriverRequested", "DriverStarted", "DriverReady", "RunningHealthy");
                case SUCCEEDED -> List.of("Succeeded", "ResourceReleased");
                case FAILED -> List.of("Failed", "ResourceReleased");
            };
        }
    }

    /** The reason a failed step carries, as either operator reports a driver killed for memory. */
    static final String DRIVER_FAILED = "driver pod failed: exit code 137 (OOMKilled)";

    /** Reports the steps one after the other, as the operator of {@link #kind} would. */
    void play(String name, Step... steps) {
        for (Step step : steps) {
            for (String state : step.states(kind)) {
                state(name, state, step == Step.FAILED ? DRIVER_FAILED : null);
            }
        }
    }

    /** A failed run with the operator's reason (kubeflow FAILED; Apache Failed, then released). */
    void fail(String name, String reason) {
        for (String state : Step.FAILED.states(kind)) {
            state(name, state, reason);
        }
    }

    /** Writes one of the operator's own states, with a message (null: none). */
    void state(String name, String state, String message) {
        if (kind == OperatorKind.KUBEFLOW) {
            status(name, state, message, null);
        } else {
            apacheState(name, state, message);
        }
    }

    /** Every application in the namespace, as the dispatcher sees runs. */
    List<Run> runs() {
        return kind == OperatorKind.KUBEFLOW ? applications().stream().map(KubeflowOperator::toRun).toList()
                : apacheApplications().stream().map(ApacheOperator::toRun).toList();
    }

    /** The application of that name as the dispatcher sees it, or null. */
    Run run(String name) {
        if (kind == OperatorKind.KUBEFLOW) {
            SparkApplication app = application(name);
            return app == null ? null : KubeflowOperator.toRun(app);
        }
        var app = apacheApplication(name);
        return app == null ? null : ApacheOperator.toRun(app);
    }

    /** No operator has written its status yet. */
    boolean fresh(Run r) {
        return kind == OperatorKind.KUBEFLOW ? ((SparkApplication) r.resource()).getStatus() == null
                : ((io.fabric8.kubernetes.api.model.GenericKubernetesResource) r.resource()).getAdditionalProperties().get("status") == null;
    }

    /** The operator's own finalizer: kubeflow's, or java-operator-sdk's default for Apache's reconciler. */
    String finalizer() {
        return kind == OperatorKind.KUBEFLOW ? "sparkoperator.k8s.io/finalizer" : "sparkapplications.spark.apache.org/finalizer";
    }

    /** Sets the application's finalizers (the operator adds its own, and removes it once done). */
    void finalizers(String name, List<String> finalizers) {
        if (kind == OperatorKind.KUBEFLOW) {
            client.resources(SparkApplication.class).inNamespace(namespace).withName(name).edit(a -> {
                a.getMetadata().setFinalizers(finalizers);
                return a;
            });
        } else {
            client.genericKubernetesResources(ApacheApplications.CONTEXT).inNamespace(namespace).withName(name).edit(a -> {
                a.getMetadata().setFinalizers(finalizers);
                return a;
            });
        }
    }

    /** Deletes every application (history trimming, the operator's TTL, a person). */
    void deleteAllApplications() {
        if (kind == OperatorKind.KUBEFLOW) {
            client.resources(SparkApplication.class).inNamespace(namespace).delete();
        } else {
            client.genericKubernetesResources(ApacheApplications.CONTEXT).inNamespace(namespace).delete();
        }
    }

    @Override
    public void close() {
        aws.close();
        server.stopAndWait();
    }
}
