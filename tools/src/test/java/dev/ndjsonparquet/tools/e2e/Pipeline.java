package dev.ndjsonparquet.tools.e2e;

import dev.ndjsonparquet.controller.aws.ManifestLoader;
import dev.ndjsonparquet.controller.aws.SqsQueue;
import dev.ndjsonparquet.controller.builder.BatchEngine;
import dev.ndjsonparquet.controller.builder.BuilderAssembly;
import dev.ndjsonparquet.controller.builder.BuilderMetrics;
import dev.ndjsonparquet.controller.builder.BuilderSettings;
import dev.ndjsonparquet.controller.builder.IngestLoop;
import dev.ndjsonparquet.controller.builder.S3ObjectStore;
import dev.ndjsonparquet.controller.builder.SizeBand;
import dev.ndjsonparquet.controller.builder.Step;
import dev.ndjsonparquet.controller.dispatch.ApplicationTemplate;
import dev.ndjsonparquet.controller.dispatch.Dispatcher;
import dev.ndjsonparquet.controller.dispatch.DispatcherSettings;
import dev.ndjsonparquet.controller.k8s.EventRecorder;
import dev.ndjsonparquet.controller.k8s.SparkApplications;
import dev.ndjsonparquet.controller.observability.DispatcherMetrics;
import dev.ndjsonparquet.settings.SettingsResolver;
import dev.ndjsonparquet.tools.local.InProcessS3Template;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * One scenario's pipeline on the shared {@link Servers}: its own buckets ({@code landing-N}, {@code lake-N},
 * {@code pipeline-N}), queues (ingest and manifest queues, each with a dead-letter queue) and namespace; the real
 * manifest builder ({@link BatchEngine} + {@link IngestLoop}) and the real {@link Dispatcher}, each on a supervisor
 * thread that can kill the running instance and start a new one on the same queues and stores. A restart nobody planned
 * (a builder that threw, a dispatcher thread that ended by an error) is recorded in {@link #unexpectedRestarts}, which
 * every scenario checks is empty: a crash-looping component must not pass as a killed one.
 */
final class Pipeline implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
    private static final AtomicInteger SEQ = new AtomicInteger();
    static final Dispatcher.Timing TIMING = new Dispatcher.Timing(1, 1, Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofHours(1));

    /** The dispatcher's limits in these scenarios. */
    record Limits(int maxConcurrentRuns, int maxFilesPerManifest, int maxAttempts, Duration stuckTimeout, int visibilitySeconds) {
    }

    /** Thrown by the builder's step hook: the instance that threw is abandoned, as a killed process would be. */
    static final class Killed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Killed(Step step) {
            super("builder killed after " + step);
        }
    }

    final Servers servers = Servers.get();
    final int n = SEQ.incrementAndGet();
    final String landing = "landing-" + n;
    final String lake = "lake-" + n;
    final String work = "pipeline-" + n;
    final String namespace = "e2e-" + n;
    final String ingestQueue;
    final String manifestQueue;
    final String deadLetterQueue;
    final String ingestDeadLetterQueue;
    final BuilderSettings builderSettings;
    final S3ObjectStore store;
    private final Limits limits;
    private final KubernetesClient kubernetes;
    private final ApplicationTemplate template;
    private final Set<Integer> builderKillsAtStep;
    private final AtomicInteger stepsSeen = new AtomicInteger();
    private final AtomicInteger builderStarts = new AtomicInteger();
    private final AtomicInteger dispatcherStarts = new AtomicInteger();
    private final List<String> unexpectedRestarts = new CopyOnWriteArrayList<>();
    private final List<String> dispatcherKills = new CopyOnWriteArrayList<>();
    private final List<Integer> dispatcherKillPlan = new ArrayList<>();
    private volatile boolean stopped;
    private Thread builderThread;
    private volatile Dispatcher dispatcher;
    private volatile Thread dispatcherThread;

    /**
     * @param builderKillsAtStep the builder is killed right after its k-th durable step (counted over all instances)
     */
    Pipeline(Limits limits, Set<Integer> builderKillsAtStep) {
        this(limits, builderKillsAtStep, null);
    }

    /** A pipeline whose dispatcher talks to {@code kubernetes} (a real cluster) instead of the in-process API. */
    Pipeline(Limits limits, Set<Integer> builderKillsAtStep, KubernetesClient kubernetes) {
        this.limits = limits;
        this.kubernetes = kubernetes == null ? servers.kubernetes.client() : kubernetes;
        this.builderKillsAtStep = Set.copyOf(builderKillsAtStep);
        var s3 = servers.s3();
        for (String b : List.of(landing, lake, work)) {
            s3.createBucket(r -> r.bucket(b));
        }
        ingestDeadLetterQueue = queue("ingest-" + n + "-dead-letters", null, 0);
        ingestQueue = queue("ingest-" + n, ingestDeadLetterQueue, 10);
        deadLetterQueue = queue("manifests-" + n + "-dead-letters", null, 0);
        manifestQueue = queue("manifests-" + n, deadLetterQueue, 10);
        store = new S3ObjectStore(s3);
        builderSettings = builderSettings(limits);
        template = ApplicationTemplate.of("end-to-end template", InProcessS3Template.of(servers.s3Endpoint.getPort(), Map.of()));
    }

    /**
     * The builder's settings as a platform team would set them for these buckets and queues, through the
     * declarations; the size band is in bytes (100 B to 64 KiB), which the MiB-sized settings cannot say.
     */
    private BuilderSettings builderSettings(Limits limits) {
        Map<String, String> values = new HashMap<>();
        values.put(BuilderSettings.INGEST_QUEUE_URL.key(), ingestQueue);
        values.put(BuilderSettings.MANIFEST_QUEUE_URL.key(), manifestQueue);
        values.put(BuilderSettings.MANIFEST_LOCATION.key(), "s3://" + work + "/manifests/");
        values.put(BuilderSettings.OUTPUT_LOCATION.key(), "s3a://" + lake + "/events");
        values.put(BuilderSettings.QUARANTINE_LOCATION.key(), "s3://" + work + "/quarantine/");
        values.put(BuilderSettings.LEDGER_LOCATION.key(), "s3://" + work + "/ledger/");
        values.put(BuilderSettings.ALLOWED_INPUTS.key(), "s3://" + landing + "/");
        values.put(BuilderSettings.MAX_FILES_PER_MANIFEST.key(), Integer.toString(limits.maxFilesPerManifest()));
        values.put(BuilderSettings.MAX_BATCH_SIZE_GB.key(), "1024");
        values.put(BuilderSettings.MAX_BATCH_AGE_SECONDS.key(), "2");
        values.put(BuilderSettings.INGEST_VISIBILITY_SECONDS.key(), "6");
        values.put(BuilderSettings.AWS_REGION.key(), Servers.REGION);
        values.put(BuilderSettings.LEASE_NAME.key(), "builder");
        return BuilderSettings.from(SettingsResolver.resolve(BuilderSettings.ALL, Map.of(), Map.of(), values), BuilderSettings.ALL)
                .withSizeBand(new SizeBand(100, 64 * 1024));
    }

    private String queue(String name, String deadLetters, int maxReceiveCount) {
        var sqs = servers.sqs();
        if (deadLetters == null) {
            return sqs.createQueue(r -> r.queueName(name)).queueUrl();
        }
        String arn = sqs.getQueueAttributes(r -> r.queueUrl(deadLetters).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        return sqs.createQueue(r -> r.queueName(name).attributes(Map.of(QueueAttributeName.REDRIVE_POLICY,
                "{\"maxReceiveCount\":\"" + maxReceiveCount + "\",\"deadLetterTargetArn\":\"" + arn + "\"}"))).queueUrl();
    }

    // ---- the builder --------------------------------------------------------------------------

    void startBuilder() {
        builderThread = new Thread(this::superviseBuilder, "e2e-builder-" + n);
        builderThread.setDaemon(true);
        builderThread.start();
    }

    /** Runs builder instances one after the other: each one that is killed is replaced, starting from the ledger. */
    private void superviseBuilder() {
        while (!stopped) {
            builderStarts.incrementAndGet();
            BuilderMetrics metrics = new BuilderMetrics(new SimpleMeterRegistry());
            Step.StepHook hook = step -> {
                if (builderKillsAtStep.contains(stepsSeen.incrementAndGet())) {
                    throw new Killed(step);
                }
            };
            BatchEngine engine = BuilderAssembly.engine(builderSettings, store, servers.sqs(), metrics, hook, Clock.systemUTC(), "builder");
            IngestLoop loop = BuilderAssembly.loop(builderSettings, engine, store, servers.sqs(), metrics, hook, Clock.systemUTC())
                    .withMaxWaitSeconds(1);
            try {
                engine.recover();
                while (!stopped) {
                    loop.pollOnce();
                }
            } catch (Killed e) {
                LOG.info("{}; starting a new builder", e.getMessage());
            } catch (RuntimeException e) {
                unexpectedRestarts.add("builder: " + e);
                LOG.warn("builder failed; starting a new one: {}", e.toString());
                sleep(Duration.ofMillis(500));
            }
        }
    }

    int builderStarts() {
        return builderStarts.get();
    }

    /** Restarts nobody planned, each with its cause. */
    List<String> unexpectedRestarts() {
        return List.copyOf(unexpectedRestarts);
    }

    // ---- the dispatcher -----------------------------------------------------------------------

    /**
     * Plans dispatcher kills before {@link #startDispatcher}: the k-th dispatcher started is killed inside the
     * {@code writes.get(k)}-th SQS call of its that changes something ({@link KillableSqs}), and replaced at once.
     */
    void killDispatchers(List<Integer> writes) {
        dispatcherKillPlan.addAll(writes);
    }

    void startDispatcher() {
        int k = dispatcherStarts.incrementAndGet();
        DispatcherMetrics metrics = new DispatcherMetrics(new SimpleMeterRegistry());
        dispatcherMetrics.add(metrics);
        var client = kubernetes;
        KillableSqs sqs = new KillableSqs();
        if (k <= dispatcherKillPlan.size()) {
            sqs.arm(dispatcherKillPlan.get(k - 1));
        }
        Dispatcher d = Dispatcher.of(dispatcherSettings(), template, namespace,
                new Dispatcher.Adapters(new SqsQueue(sqs.wrap(servers.sqs()), manifestQueue), new SqsQueue(sqs.wrap(servers.sqs()), deadLetterQueue),
                        new ManifestLoader(servers.s3(), false), new SparkApplications(client, namespace),
                        new EventRecorder(client, namespace, "ndjson-parquet-dispatcher", "e2e-" + k), metrics),
                () -> true, Clock.systemUTC(), TIMING);
        dispatcher = d;
        Thread t = new Thread(d, "e2e-dispatcher-" + n + "-" + k);
        t.setDaemon(true);
        t.setUncaughtExceptionHandler((thread, e) -> {
            if (e instanceof KillableSqs.Killed && sqs.killedDuring() != null) {
                dispatcherKills.add(sqs.killedDuring());
                LOG.info("{}; starting a new dispatcher", e.getMessage());
            } else {
                unexpectedRestarts.add("dispatcher: " + e);
                LOG.warn("dispatcher thread ended by an error; starting a new one", e);
            }
            if (!stopped) {
                startDispatcher();
            }
        });
        dispatcherThread = t;
        t.start();
    }

    /** The metrics of every dispatcher started, in order (a killed one's stay). */
    private final List<DispatcherMetrics> dispatcherMetrics = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Every dispatcher's metrics, summed by the caller. */
    List<DispatcherMetrics> dispatcherMetrics() {
        return List.copyOf(dispatcherMetrics);
    }

    /** The calls inside which planned dispatcher kills happened, in order. */
    List<String> dispatcherKills() {
        return List.copyOf(dispatcherKills);
    }

    /** The dispatcher's settings as a platform team would set them for these buckets and queues, through the declarations. */
    private DispatcherSettings dispatcherSettings() {
        Map<String, String> values = new HashMap<>();
        values.put(DispatcherSettings.MANIFEST_QUEUE_URL.key(), manifestQueue);
        values.put(DispatcherSettings.DEAD_LETTER_QUEUE_URL.key(), deadLetterQueue);
        values.put(DispatcherSettings.MAX_CONCURRENT_RUNS.key(), Integer.toString(limits.maxConcurrentRuns()));
        values.put(DispatcherSettings.VISIBILITY_TIMEOUT_SECONDS.key(), Integer.toString(limits.visibilitySeconds()));
        values.put(DispatcherSettings.HISTORY_LIMIT.key(), "100");
        values.put(DispatcherSettings.MAX_ATTEMPTS.key(), Integer.toString(limits.maxAttempts()));
        values.put(DispatcherSettings.RETRY_BACKOFF_SECONDS.key(), "1");
        values.put(DispatcherSettings.STUCK_TIMEOUT_SECONDS.key(), Long.toString(limits.stuckTimeout().toSeconds()));
        values.put(DispatcherSettings.BYTES_PER_EXECUTOR_GB.key(), "16");
        values.put(DispatcherSettings.MIN_EXECUTORS.key(), "1");
        values.put(DispatcherSettings.MAX_EXECUTORS.key(), "4");
        values.put(DispatcherSettings.ALLOWED_INPUTS.key(), "s3://" + landing + "/");
        values.put(DispatcherSettings.ALLOWED_MANIFESTS.key(), "s3://" + work + "/manifests/");
        values.put(DispatcherSettings.ALLOWED_OUTPUTS.key(), "s3a://" + lake + "/");
        return DispatcherSettings.from(SettingsResolver.resolve(DispatcherSettings.ALL, Map.of(), Map.of(), values));
    }

    private void stopDispatcher() {
        Dispatcher d = dispatcher;
        if (d != null) {
            d.stop();
            join(dispatcherThread);
        }
    }

    int dispatcherStarts() {
        return dispatcherStarts.get();
    }

    // ---- queues -------------------------------------------------------------------------------

    void sendIngest(String body) {
        servers.sqs().sendMessage(r -> r.queueUrl(ingestQueue).messageBody(body));
    }

    void sendManifestMessage(String body) {
        servers.sqs().sendMessage(r -> r.queueUrl(manifestQueue).messageBody(body));
    }

    /** Messages on the queue, visible or in flight. */
    long depth(String queueUrl) {
        var a = servers.sqs().getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return Long.parseLong(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Long.parseLong(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                + Long.parseLong(a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED, "0"));
    }

    /** Stops both components and waits until their threads have ended: nothing of theirs acts after this. */
    @Override
    public void close() {
        stopped = true;
        stopDispatcher();
        join(builderThread);
        if ((builderThread != null && builderThread.isAlive()) || (dispatcherThread != null && dispatcherThread.isAlive())) {
            throw new IllegalStateException("the builder or the dispatcher did not stop within 30 s");
        }
    }

    private static void join(Thread t) {
        if (t == null) {
            return;
        }
        try {
            t.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
