package dev.ndjsonparquet.tools.local;

import dev.ndjsonparquet.controller.aws.AwsClients;
import dev.ndjsonparquet.controller.aws.ManifestLoader;
import dev.ndjsonparquet.controller.aws.SqsQueue;
import dev.ndjsonparquet.controller.builder.BatchEngine;
import dev.ndjsonparquet.controller.builder.BuilderAssembly;
import dev.ndjsonparquet.controller.builder.BuilderMetrics;
import dev.ndjsonparquet.controller.builder.BuilderSettings;
import dev.ndjsonparquet.controller.builder.IngestLoop;
import dev.ndjsonparquet.controller.builder.ObjectStore;
import dev.ndjsonparquet.controller.builder.Step;
import dev.ndjsonparquet.controller.builder.StoreUri;
import dev.ndjsonparquet.controller.dispatch.ApplicationTemplate;
import dev.ndjsonparquet.controller.dispatch.Dispatcher;
import dev.ndjsonparquet.controller.dispatch.DispatcherSettings;
import dev.ndjsonparquet.controller.k8s.EventRecorder;
import dev.ndjsonparquet.controller.k8s.SparkApplications;
import dev.ndjsonparquet.controller.observability.DispatcherMetrics;
import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestCodec;
import dev.ndjsonparquet.manifest.ManifestMessage;
import dev.ndjsonparquet.settings.ResolvedSettings;
import dev.ndjsonparquet.settings.Setting;
import dev.ndjsonparquet.settings.SettingsResolver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The whole pipeline in one process, as in production but with embedded stand-ins: ElasticMQ for SQS
 * (ingest queue, manifest queue, dead-letter queues), local directories for the buckets, the Kubernetes
 * API in the process ({@link LocalKubernetes}) and {@link LocalSparkRunner} in place of spark-operator.
 * The manifest builder ({@link IngestLoop} and {@link BatchEngine}) and the {@link Dispatcher} are the
 * production classes, each on its own thread; {@link #offer} sends the S3 notification of a file.
 */
public final class LocalPipeline implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalPipeline.class);
    static final String REGION = "us-east-1";
    private static final String OWNER = "builder";
    /** The production loop, with waits short enough for a local run to end promptly. */
    private static final Dispatcher.Timing TIMING = new Dispatcher.Timing(1, 1, Duration.ofMillis(500),
            Duration.ofSeconds(5), Duration.ofMinutes(5));

    /**
     * Where things are.
     *
     * @param buckets   the directories standing in for buckets, by bucket name
     * @param input     the bucket and prefix of the input files
     * @param work      the bucket and prefix of manifests, ledger and quarantine
     * @param output    the Parquet table root (a directory)
     * @param logs      where each Spark application's output goes
     */
    public record Layout(Map<String, Path> buckets, StoreUri input, StoreUri work, Path output, Path logs) {
        public Layout {
            buckets = Map.copyOf(buckets);
        }

        public Path dir(StoreUri at) {
            return buckets.get(at.bucket()).resolve(at.key());
        }
    }

    private final Layout layout;
    private final SQSRestServer sqsServer;
    private final AwsClients aws;
    private final LocalKubernetes kubernetes;
    private final LocalSparkRunner runner;
    private final ObjectStore store;
    private final BuilderMetrics builderMetrics;
    private final DispatcherMetrics dispatcherMetrics;
    private final Dispatcher dispatcher;
    private final Thread builderThread;
    private final Thread dispatcherThread;
    private final String ingestUrl;
    private final String manifestUrl;
    private final String deadLetterUrl;
    private final BuilderSettings builderSettings;
    private final AtomicLong offered = new AtomicLong();
    private volatile boolean stopped;
    private volatile Instant firstOffer;

    private LocalPipeline(Layout layout, ResolvedSettings s, SQSRestServer sqsServer, AwsClients aws, LocalKubernetes kubernetes) {
        this.layout = layout;
        this.sqsServer = sqsServer;
        this.aws = aws;
        this.kubernetes = kubernetes;
        SqsClient sqs = aws.sqs();
        this.ingestUrl = queue(sqs, "ingest", 5);
        this.manifestUrl = queue(sqs, "manifests", 10);
        this.deadLetterUrl = sqs.getQueueUrl(r -> r.queueName("manifests-dead-letters")).queueUrl();
        this.store = new DirectoryBuckets(layout.buckets());
        this.builderSettings = builderSettings(s, layout, ingestUrl, manifestUrl);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        this.builderMetrics = new BuilderMetrics(registry);
        this.dispatcherMetrics = new DispatcherMetrics(new SimpleMeterRegistry());

        DispatcherSettings dispatch = dispatcherSettings(s, layout, store, builderSettings, manifestUrl, deadLetterUrl);
        String namespace = dispatch.application().namespace() == null ? "default" : dispatch.application().namespace();
        ApplicationTemplate template = ApplicationTemplate.load(dispatch.application().template());
        if (!template.problems().isEmpty()) {
            throw new dev.ndjsonparquet.settings.SettingsException(template.problems());
        }
        SparkLaunch launch = new SparkLaunch(SparkLaunch.currentJava(), s.get(LocalSettings.SPARK_CLASSPATH),
                SparkLaunch.splitOptions(s.get(LocalSettings.SPARK_JAVA_OPTS)), s.get(LocalSettings.LOCAL_SPARK_CORES),
                s.get(LocalSettings.LOCAL_SPARK_MEMORY));
        this.runner = new LocalSparkRunner(dispatch.application().operator(), kubernetes.client(), namespace, launch, layout.logs(),
                FaultPlan.NONE);
        this.dispatcher = Dispatcher.of(dispatch, template, namespace,
                new Dispatcher.Adapters(new SqsQueue(sqs, manifestUrl), new SqsQueue(sqs, deadLetterUrl),
                        new ManifestLoader(aws.s3(), true), new SparkApplications(kubernetes.client(), namespace),
                        new EventRecorder(kubernetes.client(), namespace, "ndjson-parquet-dispatcher", "local"), dispatcherMetrics),
                () -> true, Clock.systemUTC(), TIMING);
        this.builderThread = new Thread(this::runBuilder, "manifest-builder");
        this.dispatcherThread = new Thread(dispatcher, "dispatcher");
    }

    /** Starts SQS, the Kubernetes API, the runner, the builder and the dispatcher. */
    public static LocalPipeline start(Layout layout, ResolvedSettings settings) {
        SQSRestServer server = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
        AwsClients aws = null;
        LocalKubernetes k8s = null;
        try {
            int port = server.waitUntilStarted().localAddress().getPort();
            aws = AwsClients.create(REGION, URI.create("http://127.0.0.1:" + port),
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")), AwsClients.Timeouts.DEFAULT);
            k8s = LocalKubernetes.start();
            LocalPipeline p = new LocalPipeline(layout, settings, server, aws, k8s);
            p.runner.start();
            p.builderThread.start();
            p.dispatcherThread.start();
            LOG.info("local pipeline started: SQS on port {}, buckets {}, output {}", port, layout.buckets(), layout.output());
            return p;
        } catch (RuntimeException e) {
            if (k8s != null) {
                k8s.close();
            }
            if (aws != null) {
                aws.close();
            }
            server.stopAndWait();
            throw e;
        }
    }

    /**
     * The builder's settings on this machine, resolved through the same declarations as the builder command's: the
     * pipeline settings the user gave, the in-process queues, and the work bucket's and the table's locations; every
     * other builder setting keeps its declared default.
     */
    static BuilderSettings builderSettings(ResolvedSettings s, Layout layout, String ingestUrl, String manifestUrl) {
        Map<String, String> local = userValues(s, BuilderSettings.ALL);
        StoreUri work = layout.work();
        local.put(BuilderSettings.INGEST_QUEUE_URL.key(), ingestUrl);
        local.put(BuilderSettings.MANIFEST_QUEUE_URL.key(), manifestUrl);
        local.put(BuilderSettings.MANIFEST_LOCATION.key(), work.child("manifests/").toString());
        local.put(BuilderSettings.QUARANTINE_LOCATION.key(), work.child("quarantine/").toString());
        local.put(BuilderSettings.LEDGER_LOCATION.key(), work.child("ledger/").toString());
        local.put(BuilderSettings.OUTPUT_LOCATION.key(), tableUri(layout.output()));
        local.put(BuilderSettings.ALLOWED_INPUTS.key(), folderUri(layout.dir(layout.input())));
        local.put(BuilderSettings.AWS_REGION.key(), REGION);
        if (local.containsKey(BuilderSettings.SCHEMA_URI.key()) && local.get(BuilderSettings.SCHEMA_URI.key()).isBlank()) {
            local.remove(BuilderSettings.SCHEMA_URI.key());
        }
        return BuilderSettings.from(SettingsResolver.resolve(BuilderSettings.ALL, Map.of(), Map.of(), local), BuilderSettings.ALL);
    }

    /** The pipeline settings the user gave that {@code declarations} declare, as text to resolve again. */
    private static Map<String, String> userValues(ResolvedSettings s, List<Setting<?>> declarations) {
        Map<String, String> values = new HashMap<>();
        for (Setting<?> declared : declarations) {
            if (LocalSettings.PIPELINE.contains(declared) && s.get(declared) != null) {
                Object v = s.get(declared);
                values.put(declared.key(), v instanceof List<?> list
                        ? String.join(" ", list.stream().map(String::valueOf).toList()) : String.valueOf(v));
            }
        }
        return values;
    }

    /**
     * The dispatcher's settings on this machine, resolved through the same declarations as the controller's: the
     * pipeline settings the user gave, the in-process queues, and as trusted locations the directories this run
     * uses (input, manifests, table, the schema's folder).
     */
    static DispatcherSettings dispatcherSettings(ResolvedSettings s, Layout layout, ObjectStore store, BuilderSettings builder,
                                                 String manifestUrl, String deadLetterUrl) {
        Map<String, String> local = userValues(s, DispatcherSettings.ALL);
        local.put(DispatcherSettings.MANIFEST_QUEUE_URL.key(), manifestUrl);
        local.put(DispatcherSettings.DEAD_LETTER_QUEUE_URL.key(), deadLetterUrl);
        local.put(DispatcherSettings.HISTORY_LIMIT.key(), "1000");
        local.put(DispatcherSettings.ALLOWED_INPUTS.key(), folderUri(layout.dir(layout.input())));
        local.put(DispatcherSettings.ALLOWED_MANIFESTS.key(), withSlash(store.fileUri(builder.manifestLocation())));
        local.put(DispatcherSettings.ALLOWED_OUTPUTS.key(), folderUri(layout.output()));
        if (builder.schemaUri() != null) {
            String schema = builder.schemaUri();
            local.put(DispatcherSettings.ALLOWED_SCHEMAS.key(), schema.substring(0, schema.lastIndexOf('/') + 1));
        }
        return DispatcherSettings.from(SettingsResolver.resolve(DispatcherSettings.ALL, Map.of(), Map.of(), local));
    }

    private static String withSlash(String uri) {
        return uri.endsWith("/") ? uri : uri + "/";
    }

    /** A folder as a file: URI ending in '/', as allowed-inputs wants. */
    static String folderUri(Path dir) {
        String u = dir.toAbsolutePath().normalize().toUri().toString();
        return u.endsWith("/") ? u : u + "/";
    }

    /** The table root as a file: URI without a trailing '/'. */
    static String tableUri(Path dir) {
        String u = dir.toAbsolutePath().normalize().toUri().toString();
        return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
    }

    private static String queue(SqsClient sqs, String name, int maxReceiveCount) {
        String dlq = sqs.createQueue(r -> r.queueName(name + "-dead-letters")).queueUrl();
        String arn = sqs.getQueueAttributes(r -> r.queueUrl(dlq).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        return sqs.createQueue(r -> r.queueName(name).attributes(Map.of(QueueAttributeName.REDRIVE_POLICY,
                "{\"maxReceiveCount\":\"" + maxReceiveCount + "\",\"deadLetterTargetArn\":\"" + arn + "\"}"))).queueUrl();
    }

    private void runBuilder() {
        while (!stopped) {
            try {
                BatchEngine engine = BuilderAssembly.engine(builderSettings, store, aws.sqs(), builderMetrics,
                        Step.StepHook.NONE, Clock.systemUTC(), OWNER);
                BuilderAssembly.loop(builderSettings, engine, store, aws.sqs(), builderMetrics, Step.StepHook.NONE, Clock.systemUTC())
                        .withMaxWaitSeconds(1)
                        .run(() -> !stopped);
            } catch (RuntimeException e) {
                LOG.warn("builder stopped by an error, starting again from the ledger: {}", e.toString());
                pause(Duration.ofSeconds(1));
            }
        }
    }

    public Layout layout() {
        return layout;
    }

    public BuilderSettings builderSettings() {
        return builderSettings;
    }

    public LocalSparkRunner runner() {
        return runner;
    }

    public BuilderMetrics builderMetrics() {
        return builderMetrics;
    }

    public ObjectStore store() {
        return store;
    }

    public SqsClient sqs() {
        return aws.sqs();
    }

    public String deadLetterUrl() {
        return deadLetterUrl;
    }

    public long offered() {
        return offered.get();
    }

    public Instant firstOffer() {
        return firstOffer;
    }

    /** Sends the S3 ObjectCreated notification of an input object to the ingest queue. */
    public void offer(StoreUri object) {
        ObjectStore.ObjectInfo info = store.head(object)
                .orElseThrow(() -> new IllegalArgumentException("no such input object " + object));
        if (firstOffer == null) {
            firstOffer = Instant.now();
        }
        aws.sqs().sendMessage(r -> r.queueUrl(ingestUrl).messageBody(S3Events.objectCreated(info, REGION, Instant.now())));
        offered.incrementAndGet();
    }

    /**
     * Sends again the message of every manifest a previous run wrote but did not convert (no result record):
     * the queues lived in that run's process, the manifests and the ledger on disk. Returns how many.
     */
    public int resendUnfinished() {
        int n = 0;
        for (ObjectStore.ObjectInfo info : store.list(builderSettings.manifestLocation())) {
            String name = info.location().key().substring(info.location().key().lastIndexOf('/') + 1);
            if (!name.endsWith(".json")) {
                continue;
            }
            String id = name.substring(0, name.length() - ".json".length());
            if (java.nio.file.Files.exists(layout.output().resolve("_results").resolve(id + ".json"))) {
                continue;
            }
            byte[] bytes = store.get(info.location()).orElse(null);
            if (bytes == null) {
                continue;
            }
            Manifest m = ManifestCodec.decode(bytes);
            String body = ManifestCodec.encodeMessage(ManifestMessage.of(store.fileUri(info.location()), m));
            aws.sqs().sendMessage(r -> r.queueUrl(manifestUrl).messageBody(body));
            LOG.info("manifest {} of an earlier run was not converted; sent again", id);
            n++;
        }
        return n;
    }

    /** Nothing waits: both queues are empty (nothing in flight either) and no application runs. */
    public boolean idle() {
        return depth(ingestUrl) == 0 && depth(manifestUrl) == 0 && runner.running() == 0;
    }

    private long depth(String url) {
        Map<QueueAttributeName, String> a = aws.sqs().getQueueAttributes(r -> r.queueUrl(url).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return a.values().stream().mapToLong(Long::parseLong).sum();
    }

    /** Waits until {@link #idle()} holds twice in a row, or the thread is interrupted (false). */
    public boolean awaitIdle(Runnable tick) {
        int quiet = 0;
        while (quiet < 2) {
            tick.run();
            if (!pause(Duration.ofMillis(500))) {
                return false;
            }
            quiet = idle() ? quiet + 1 : 0;
        }
        tick.run();
        return true;
    }

    private static boolean pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops everything this started; nothing is left running. */
    @Override
    public void close() {
        stopped = true;
        dispatcher.stop();
        join(builderThread);
        join(dispatcherThread);
        runner.close();
        kubernetes.close();
        aws.close();
        sqsServer.stopAndWait();
    }

    private static void join(Thread t) {
        try {
            t.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
