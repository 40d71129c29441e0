package dev.ndjsonparquet.controller.cli;

import dev.ndjsonparquet.controller.aws.AwsClients;
import dev.ndjsonparquet.controller.aws.RedrivePolicyCheck;
import dev.ndjsonparquet.controller.aws.SqsQueue;
import dev.ndjsonparquet.controller.builder.BatchEngine;
import dev.ndjsonparquet.controller.builder.BuilderAssembly;
import dev.ndjsonparquet.controller.builder.BuilderMetrics;
import dev.ndjsonparquet.controller.builder.BuilderSettings;
import dev.ndjsonparquet.controller.builder.IngestLoop;
import dev.ndjsonparquet.controller.builder.ObjectStore;
import dev.ndjsonparquet.controller.builder.S3ObjectStore;
import dev.ndjsonparquet.controller.builder.Step;
import dev.ndjsonparquet.controller.builder.StoreUri;
import dev.ndjsonparquet.controller.k8s.LeaseLeadership;
import dev.ndjsonparquet.controller.observability.HealthServer;
import dev.ndjsonparquet.controller.observability.Readiness;
import dev.ndjsonparquet.settings.SettingsException;
import dev.ndjsonparquet.settings.SettingsOptions;
import dev.ndjsonparquet.settings.SettingsResolver;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code ndjson-parquet builder}: the manifest builder. Checks its settings, queues and buckets (listing
 * every problem), serves /metrics, /healthz and /readyz, joins the builder's Lease election and, while it
 * leads, turns ingest notifications into manifests. Each time it becomes leader it starts from the ledger
 * (finishing batches a previous leader left), so nothing in memory outlives a change of leader.
 */
@Command(name = "builder",
        mixinStandardHelpOptions = true,
        modelTransformer = BuilderCommand.DeclaredSettings.class,
        sortOptions = false,
        description = {"Runs the manifest builder: S3 ObjectCreated notifications in, manifests of up to "
                + "max-files-per-manifest files out, each file exactly once.",
                "Each value comes from its flag, else its environment variable, else the --config file, else its default.",
                "Design and settings: docs/builder.md."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:stopped", "1:a start-up check failed (every problem is listed)",
                "2:bad usage or settings (every problem is listed)"})
public final class BuilderCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(BuilderCommand.class);
    /** Longer than one poll can take: a 20 s long poll, then calls with 30 s timeouts. */
    private static final Duration STALLED = Duration.ofMinutes(3);
    /** The longest single call a deposed leader may still be inside: the AWS clients' whole-call timeout. */
    static final Duration LONGEST_CALL = AwsClients.Timeouts.DEFAULT.apiCall();
    /** The role-wide owner of open batches: a new leader finishes the batches of the one before. */
    static final String OWNER = "builder";

    @CommandLine.Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "<file>",
            description = "Java properties file of builder settings, keys as the flags without the leading --")
    Path config;

    private final Map<String, String> env;
    private final Supplier<KubernetesClient> kubernetes;
    private final BiFunction<String, URI, AwsClients> aws;

    public BuilderCommand() {
        this(System.getenv(), BuilderCommand::kubernetesClient, AwsClients::create);
    }

    /** For tests: the environment, the Kubernetes client and the AWS clients to use. */
    public BuilderCommand(Map<String, String> env, Supplier<KubernetesClient> kubernetes, BiFunction<String, URI, AwsClients> aws) {
        this.env = Map.copyOf(env);
        this.kubernetes = kubernetes;
        this.aws = aws;
    }

    @Override
    public Integer call() {
        BuilderSettings settings;
        try {
            settings = BuilderSettings.from(SettingsResolver.resolve(BuilderSettings.ALL,
                    SettingsOptions.flags(spec.commandLine().getParseResult(), BuilderSettings.ALL),
                    env, SettingsResolver.readFile(config)), BuilderSettings.ALL);
        } catch (SettingsException | IllegalArgumentException e) {
            spec.commandLine().getErr().println("builder: " + e.getMessage());
            return CommandLine.ExitCode.USAGE;
        }
        try (KubernetesClient client = kubernetes.get();
             AwsClients clients = aws.apply(settings.awsRegion(), settings.awsEndpointUrl())) {
            List<String> problems = startupProblems(settings, clients);
            problems.addAll(RedrivePolicyCheck.check(clients.sqs(), RedrivePolicyCheck.mode(dev.ndjsonparquet.controller.dispatch.DispatcherSettings.REDRIVE_POLICY_CHECK, env), Map.of("ingest-queue-url", settings.ingestQueueUrl(), "manifest-queue-url", settings.manifestQueueUrl())));
            if (!problems.isEmpty()) {
                spec.commandLine().getErr().println("builder: " + problems.size() + " start-up check(s) failed:\n  - "
                        + String.join("\n  - ", problems));
                return CommandLine.ExitCode.SOFTWARE;
            }
            String namespace = client.getNamespace() != null ? client.getNamespace() : "default";
            run(settings, client, clients, namespace);
            return CommandLine.ExitCode.OK;
        }
    }

    private void run(BuilderSettings settings, KubernetesClient client, AwsClients clients, String namespace) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        BuilderMetrics metrics = new BuilderMetrics(registry);
        ObjectStore store = new S3ObjectStore(clients.s3());
        Clock clock = Clock.systemUTC();
        String identity = LeaseLeadership.Config.defaultIdentity();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Instant> heartbeat = new AtomicReference<>(Instant.now(clock));
        try (LeaseLeadership leadership = LeaseLeadership.start(client,
                     LeaseLeadership.Config.of(namespace, settings.leaseName(), identity));
             HealthServer health = HealthServer.start(settings.metricsPort(), registry,
                     () -> Duration.between(heartbeat.get(), Instant.now(clock)).compareTo(STALLED) < 0,
                     new Readiness("builder", () -> leadership.isLeader() || leadership.currentLeader() != null,
                             () -> new SqsQueue(clients.sqs(), settings.ingestQueueUrl()).approximateDepth() != null
                                     && new SqsQueue(clients.sqs(), settings.manifestQueueUrl()).approximateDepth() != null,
                             metrics::waitingOn, clock, Duration.ofSeconds(30)))) {
            metrics.leader(leadership::isLeader);
            Thread main = Thread.currentThread();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stop.set(true);
                try {
                    main.join(30_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "shutdown"));
            LOG.info("builder ready: lease {}/{} as {}, metrics on port {}", namespace, settings.leaseName(), identity,
                    health.port());
            boolean waitOut = true;
            while (!stop.get()) {
                heartbeat.set(Instant.now(clock));
                if (!leadership.isLeader()) {
                    waitOut = true;
                    sleep(Duration.ofSeconds(1));
                    continue;
                }
                if (waitOut) {
                    // The previous leader may still be inside one call when this replica gets the Lease (its
                    // clock, GC pauses, a 90 s S3 timeout): wait it out before recovering, so its last write
                    // lands before this term reads the ledger. The ledger's fencing makes a write that lands
                    // later harmless too (refused, or found and claimed again); the wait makes it rare.
                    Duration takeover = leadership.config().leaseDuration().plus(LONGEST_CALL);
                    LOG.info("leading; waiting {} for a previous leader's last call before recovering", takeover);
                    Instant until = Instant.now(clock).plus(takeover);
                    while (!stop.get() && leadership.isLeader() && Instant.now(clock).isBefore(until)) {
                        heartbeat.set(Instant.now(clock));
                        sleep(Duration.ofSeconds(1));
                    }
                    if (stop.get() || !leadership.isLeader()) {
                        continue;
                    }
                    waitOut = false;
                }
                try {
                    // A new term starts from the ledger: recover, then poll while this replica leads.
                    newLoop(settings, clients, store, metrics, clock)
                            .run(() -> !stop.get() && leadership.isLeader() && touch(heartbeat, clock));
                    // Ended by the Lease, a stop, or a newer term of the builder (fenced): wait out again.
                    waitOut = true;
                } catch (RuntimeException e) {
                    LOG.warn("builder term ended by an error, starting again from the ledger: {}", e.toString());
                    sleep(Duration.ofSeconds(5));
                }
            }
        }
    }

    private static IngestLoop newLoop(BuilderSettings settings, AwsClients clients, ObjectStore store,
                                      BuilderMetrics metrics, Clock clock) {
        BatchEngine engine = BuilderAssembly.engine(settings, store, clients.sqs(), metrics, Step.StepHook.NONE, clock, OWNER);
        return BuilderAssembly.loop(settings, engine, store, clients.sqs(), metrics, Step.StepHook.NONE, clock);
    }

    private static boolean touch(AtomicReference<Instant> heartbeat, Clock clock) {
        heartbeat.set(Instant.now(clock));
        return true;
    }

    /** Every reason the builder cannot start: queues that cannot be read, buckets that cannot be listed. */
    static List<String> startupProblems(BuilderSettings settings, AwsClients clients) {
        List<String> problems = new ArrayList<>();
        for (var q : List.of(Map.entry("ingest-queue-url", settings.ingestQueueUrl()),
                Map.entry("manifest-queue-url", settings.manifestQueueUrl()))) {
            try {
                String p = new SqsQueue(clients.sqs(), q.getValue()).problem();
                if (p != null) {
                    problems.add(q.getKey() + ": " + p);
                }
            } catch (SdkException e) {
                problems.add(q.getKey() + ": queue " + q.getValue() + " cannot be reached: " + e.getMessage());
            }
        }
        problems.addAll(bucketProblems(clients.s3(), List.of(
                Map.entry("manifest-location", settings.manifestLocation()),
                Map.entry("ledger-location", settings.ledgerLocation()),
                Map.entry("quarantine-location", settings.quarantineLocation()))));
        return problems;
    }

    static List<String> bucketProblems(S3Client s3, List<Map.Entry<String, StoreUri>> locations) {
        List<String> problems = new ArrayList<>();
        for (var l : locations) {
            try {
                s3.listObjectsV2(b -> b.bucket(l.getValue().bucket()).prefix(l.getValue().key()).maxKeys(1));
            } catch (SdkException e) {
                problems.add(l.getKey() + ": " + l.getValue() + " cannot be listed: " + e.getMessage());
            }
        }
        return problems;
    }

    /** The in-cluster or kubeconfig client, with timeouts on every request. */
    static KubernetesClient kubernetesClient() {
        io.fabric8.kubernetes.client.Config config = new io.fabric8.kubernetes.client.ConfigBuilder(
                io.fabric8.kubernetes.client.Config.autoConfigure(null))
                .withConnectionTimeout(10_000)
                .withRequestTimeout(30_000)
                .build();
        return new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(config).build();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Adds one {@code --key} option per builder setting. */
    public static final class DeclaredSettings implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec commandSpec) {
            SettingsOptions.addTo(commandSpec, BuilderSettings.ALL);
            return commandSpec;
        }
    }
}
