package dev.ndjsonparquet.controller.cli;

import dev.ndjsonparquet.controller.aws.AwsClients;
import dev.ndjsonparquet.controller.aws.EventLogDirectory;
import dev.ndjsonparquet.controller.aws.ManifestLoader;
import dev.ndjsonparquet.controller.aws.RedrivePolicyCheck;
import dev.ndjsonparquet.controller.aws.SqsQueue;
import dev.ndjsonparquet.controller.dispatch.ApplicationTemplate;
import dev.ndjsonparquet.controller.dispatch.Dispatcher;
import dev.ndjsonparquet.controller.dispatch.DispatcherSettings;
import dev.ndjsonparquet.controller.dispatch.OperatorKind;
import dev.ndjsonparquet.controller.k8s.EventRecorder;
import dev.ndjsonparquet.controller.k8s.LeaseLeadership;
import dev.ndjsonparquet.controller.k8s.SparkApplications;
import dev.ndjsonparquet.controller.observability.DispatcherMetrics;
import dev.ndjsonparquet.controller.observability.HealthServer;
import dev.ndjsonparquet.controller.observability.Readiness;
import dev.ndjsonparquet.settings.SettingsException;
import dev.ndjsonparquet.settings.SettingsOptions;
import dev.ndjsonparquet.settings.SettingsResolver;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * {@code ndjson-parquet dispatcher}: runs the dispatcher until stopped. Its name was {@code controller}, which also
 * names the module and the image; {@code controller} stays a hidden alias for one release (0.2 drops it) so that
 * existing Deployments and scripts keep working. Checks first, listing every
 * problem at once: the settings, the SparkApplication template, that spark-operator's CRD is installed,
 * that both queues exist, that the manifest queue has a redrive policy and, with event logs on S3, that their
 * directory exists (it writes the directory's marker). Then serves /metrics, /healthz and /readyz, joins the leader election and
 * dispatches while it leads.
 */
@Command(name = "dispatcher",
        aliases = "controller",
        mixinStandardHelpOptions = true,
        modelTransformer = DispatcherCommand.DeclaredSettings.class,
        sortOptions = false,
        description = {"Runs the dispatcher: one SparkApplication per manifest message, at most max-concurrent-runs at once.",
                "Each value comes from its flag, else its environment variable, else the --config file, else its default.",
                "Life-cycle and settings: docs/dispatcher.md.",
                "Formerly 'controller': that name still works in this release and is removed in the next."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:stopped", "1:a start-up check failed (every problem is listed)",
                "2:bad usage, settings or template (every problem is listed)"})
public final class DispatcherCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(DispatcherCommand.class);
    /** Longer than any step can take (a 20 s long poll plus calls with 30 s timeouts). */
    private static final Duration STALLED = Duration.ofMinutes(3);

    @CommandLine.Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "<file>",
            description = "Java properties file of dispatcher settings, keys as the flags without the leading --")
    Path config;

    private final Map<String, String> env;
    private final Supplier<KubernetesClient> kubernetes;
    private final BiFunction<String, URI, AwsClients> aws;

    public DispatcherCommand() {
        this(System.getenv(), DispatcherCommand::kubernetesClient, AwsClients::create);
    }

    /** For tests: the environment, the Kubernetes client and the AWS clients to use. */
    public DispatcherCommand(Map<String, String> env, Supplier<KubernetesClient> kubernetes, BiFunction<String, URI, AwsClients> aws) {
        this.env = Map.copyOf(env);
        this.kubernetes = kubernetes;
        this.aws = aws;
    }

    @Override
    public Integer call() {
        var err = spec.commandLine().getErr();
        DispatcherSettings settings;
        ApplicationTemplate template;
        try {
            settings = DispatcherSettings.from(SettingsResolver.resolve(DispatcherSettings.ALL,
                    SettingsOptions.flags(spec.commandLine().getParseResult(), DispatcherSettings.ALL),
                    env, SettingsResolver.readFile(config)));
            template = ApplicationTemplate.load(settings.application().template());
            List<String> problems = new ArrayList<>(template.problems());
            problems.addAll(ttlProblems(template, settings));
            if (!problems.isEmpty()) {
                throw new SettingsException(problems);
            }
        } catch (SettingsException | UncheckedIOException e) {
            err.println("dispatcher: " + e.getMessage());
            return CommandLine.ExitCode.USAGE;
        }
        try (KubernetesClient client = kubernetes.get();
             AwsClients clients = aws.apply(settings.awsRegion(), settings.awsEndpoint())) {
            String namespace = settings.application().namespace() != null ? settings.application().namespace()
                    : client.getNamespace() != null ? client.getNamespace() : "default";
            SqsQueue queue = new SqsQueue(clients.sqs(), settings.manifestQueueUrl());
            SqsQueue deadLetters = new SqsQueue(clients.sqs(), settings.deadLetterQueueUrl());
            SparkApplications applications = new SparkApplications(client, namespace);
            List<String> problems = startupProblems(settings.application().operator(), applications, queue, deadLetters);
            problems.addAll(RedrivePolicyCheck.check(clients.sqs(), settings.redrivePolicyCheck(),
                    Map.of("manifest-queue-url", settings.manifestQueueUrl())));
            EventLogDirectory.of(template.parse().getSpec().getSparkConf())
                    .flatMap(marker -> EventLogDirectory.ensure(clients.s3(), marker)).ifPresent(problems::add);
            if (!problems.isEmpty()) {
                err.println("dispatcher: " + problems.size() + " start-up check(s) failed:\n  - " + String.join("\n  - ", problems));
                return CommandLine.ExitCode.SOFTWARE;
            }
            return run(settings, template, namespace, client, clients, queue, deadLetters, applications);
        }
    }

    private Integer run(DispatcherSettings settings, ApplicationTemplate template, String namespace, KubernetesClient client,
                        AwsClients clients, SqsQueue queue, SqsQueue deadLetters, SparkApplications applications) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        DispatcherMetrics metrics = new DispatcherMetrics(registry);
        String identity = LeaseLeadership.Config.defaultIdentity();
        LeaseLeadership leadership = LeaseLeadership.start(client,
                LeaseLeadership.Config.of(namespace, settings.leaseName(), identity));
        Dispatcher dispatcher = Dispatcher.of(settings, template, namespace,
                new Dispatcher.Adapters(queue, deadLetters, new ManifestLoader(clients.s3(), settings.trust().allowsLocalManifests()), applications,
                        new EventRecorder(client, namespace, "ndjson-parquet-dispatcher", identity), metrics),
                leadership::isLeader, Clock.systemUTC(), Dispatcher.Timing.PRODUCTION);
        Clock clock = Clock.systemUTC();
        Readiness readiness = new Readiness("dispatcher", () -> leadership.isLeader() || leadership.currentLeader() != null,
                () -> queue.approximateDepth() != null && deadLetters.approximateDepth() != null, dispatcher::waitingOn,
                clock, Duration.ofSeconds(30));
        try (HealthServer health = HealthServer.start(settings.metricsPort(), registry,
                () -> Duration.between(dispatcher.heartbeat(), Instant.now(clock)).compareTo(STALLED) < 0, readiness)) {
            Thread main = Thread.currentThread();
            Thread hook = new Thread(() -> {
                dispatcher.stop();
                leadership.close();
                try {
                    main.join(30_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            LOG.info("dispatcher ready: namespace {}, lease {} as {}, metrics on port {}", namespace, settings.leaseName(),
                    identity, health.port());
            dispatcher.run();
        } finally {
            leadership.close();
        }
        return CommandLine.ExitCode.OK;
    }

    /** spark-operator must not delete a finished application before the dispatcher has settled its message. */
    private static List<String> ttlProblems(ApplicationTemplate template, DispatcherSettings settings) {
        Long ttl = template.parse().getSpec().getTimeToLiveSeconds();
        long min = 2L * settings.visibilityTimeoutSeconds();
        return ttl != null && ttl < min
                ? List.of("SparkApplication template " + template.source() + ": spec.timeToLiveSeconds (" + ttl
                        + ") must be at least twice visibility-timeout-seconds (" + min + "), so a finished application outlives its message")
                : List.of();
    }

    /** Every reason the dispatcher cannot start, found by asking the cluster and SQS. */
    static List<String> startupProblems(OperatorKind operator, SparkApplications applications, SqsQueue queue, SqsQueue deadLetters) {
        List<String> problems = new ArrayList<>();
        try {
            if (!applications.crdInstalled(operator.crdName())) {
                problems.add("the SparkApplication CRD (" + operator.crdName() + ") is not installed: install "
                        + (operator == OperatorKind.APACHE ? "the Apache Spark operator (apache/spark-kubernetes-operator)" : "kubeflow spark-operator")
                        + " first, or set spark-operator to the one installed");
            }
        } catch (KubernetesClientException e) {
            problems.add("cannot read the SparkApplication CRD from the Kubernetes API: " + e.getMessage()
                    + (e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")"));
        }
        for (var q : List.of(Map.entry("manifest-queue-url", queue), Map.entry("dead-letter-queue-url", deadLetters))) {
            try {
                String p = q.getValue().problem();
                if (p != null) {
                    problems.add(q.getKey() + ": " + p);
                }
            } catch (SdkException e) {
                problems.add(q.getKey() + ": queue " + q.getValue().url() + " cannot be reached: " + e.getMessage());
            }
        }
        return problems;
    }

    /** The in-cluster or kubeconfig client, with timeouts on every request. */
    static KubernetesClient kubernetesClient() {
        Config config = new ConfigBuilder(Config.autoConfigure(null))
                .withConnectionTimeout(10_000)
                .withRequestTimeout(30_000)
                .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /**
     * Adds one {@code --key} option per dispatcher setting, once: picocli transforms the command again for each
     * name it is registered under (the {@code controller} alias too).
     */
    public static final class DeclaredSettings implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec commandSpec) {
            if (commandSpec.findOption("--" + DispatcherSettings.ALL.get(0).key()) == null) {
                SettingsOptions.addTo(commandSpec, DispatcherSettings.ALL);
            }
            return commandSpec;
        }
    }
}
