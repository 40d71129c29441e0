package dev.ndjsonparquet.controller.dispatch;

import dev.ndjsonparquet.controller.aws.RedrivePolicyCheck;
import dev.ndjsonparquet.location.AllowedInputs;
import dev.ndjsonparquet.location.LocationPrefixes;
import dev.ndjsonparquet.location.LocationSettings;
import dev.ndjsonparquet.location.TrustedLocations;
import dev.ndjsonparquet.manifest.ExecutorSizing;
import dev.ndjsonparquet.settings.ResolvedSettings;
import dev.ndjsonparquet.settings.Setting;
import dev.ndjsonparquet.settings.SettingsException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Every setting of the dispatcher, declared once, and the immutable values read once from them.
 * {@link #ALL} is what the {@code controller} command declares; {@link #RENDER} the subset {@code render}
 * needs (no queues, no cluster).
 */
public record DispatcherSettings(
        String manifestQueueUrl,
        String deadLetterQueueUrl,
        int maxConcurrentRuns,
        Application application,
        int maxAttempts,
        Duration retryBackoff,
        Duration stuckTimeout,
        int visibilityTimeoutSeconds,
        int historyLimit,
        AllowedInputs allowedInputs,
        TrustedLocations trust,
        RunTimeLimit runLimit,
        RedrivePolicyCheck.Mode redrivePolicyCheck,
        String awsRegion,
        URI awsEndpoint,
        String leaseName,
        int metricsPort) {

    /**
     * What shapes the SparkApplication: shared by {@code controller} and {@code render}.
     *
     * @param namespace the job namespace, or null for "the pod's namespace, else default"
     * @param template  the template file, or null for the built-in one
     */
    public record Application(String namespace, Path template, ExecutorSizing sizing, List<String> extraArguments,
                              OperatorKind operator, Duration startTimeout) {
        public Application {
            extraArguments = List.copyOf(extraArguments);
        }

        /** kubeflow spark-operator, the stuck timeout's default (tests). */
        public Application(String namespace, Path template, ExecutorSizing sizing, List<String> extraArguments) {
            this(namespace, template, sizing, extraArguments, OperatorKind.KUBEFLOW, Duration.ofSeconds(900));
        }

        /** This with the namespace decided. */
        public Application inNamespace(String ns) {
            return new Application(ns, template, sizing, extraArguments, operator, startTimeout);
        }
    }

    public static final Setting<String> MANIFEST_QUEUE_URL = Setting.string("manifest-queue-url")
            .env("MANIFEST_QUEUE_URL").required()
            .check(DispatcherSettings::httpUrl)
            .describedAs("URL of the SQS manifest queue the dispatcher reads (the builder writes it).")
            .build();
    public static final Setting<String> DEAD_LETTER_QUEUE_URL = Setting.string("dead-letter-queue-url")
            .env("DEAD_LETTER_QUEUE_URL").required()
            .check(DispatcherSettings::httpUrl)
            .describedAs("URL of the SQS dead-letter queue: poison messages and manifests that failed every attempt go there with the reason.")
            .build();
    public static final Setting<OperatorKind> SPARK_OPERATOR = Setting.oneOf("spark-operator", OperatorKind.class)
            .env("SPARK_OPERATOR").defaultValue(OperatorKind.KUBEFLOW)
            .describedAs("Which operator runs the Spark applications: `kubeflow` spark-operator (`sparkoperator.k8s.io/v1beta2`) or the `apache` Spark operator (`spark.apache.org/v1`, apache/spark-kubernetes-operator); the same template, retries and guarantees on both.")
            .build();
    public static final Setting<Integer> MAX_CONCURRENT_RUNS = Setting.integer("max-concurrent-runs")
            .env("MAX_CONCURRENT_RUNS").defaultValue(50).atLeast(1)
            .describedAs("Most SparkApplications of this dispatcher active at once (the original design's MaxConcurrentRuns); no message is read while this many run.")
            .build();
    public static final Setting<String> JOB_NAMESPACE = Setting.string("job-namespace")
            .env("JOB_NAMESPACE")
            .describedAs("Namespace of the SparkApplications; empty means the dispatcher pod's namespace, else `default`.")
            .build();
    public static final Setting<String> SPARK_APPLICATION_TEMPLATE = Setting.string("spark-application-template")
            .env("SPARK_APPLICATION_TEMPLATE")
            .describedAs("Path of the SparkApplication YAML template (image, resources, node selectors, tolerations, Spark and Hadoop configuration, volumes, service account); empty means the built-in template.")
            .build();
    /** The sizing settings are declared with the one sizing rule, which {@code plan} uses too. */
    public static final Setting<Double> BYTES_PER_EXECUTOR_GB = ExecutorSizing.BYTES_PER_EXECUTOR_GB;
    public static final Setting<Integer> MIN_EXECUTORS = ExecutorSizing.MIN_EXECUTORS;
    public static final Setting<Integer> MAX_EXECUTORS = ExecutorSizing.MAX_EXECUTORS;
    public static final Setting<Integer> MAX_ATTEMPTS = Setting.integer("max-attempts")
            .env("MAX_ATTEMPTS").defaultValue(3).atLeast(1)
            .describedAs("Runs of a manifest (each after spark-operator's own retries) before its message is dead-lettered.")
            .build();
    public static final Setting<Integer> RETRY_BACKOFF_SECONDS = Setting.integer("retry-backoff-seconds")
            .env("RETRY_BACKOFF_SECONDS").defaultValue(60).atLeast(0)
            .describedAs("Wait before the second run of a failed manifest; doubles for each further run (at most an hour).")
            .build();
    public static final Setting<Integer> STUCK_TIMEOUT_SECONDS = Setting.integer("stuck-timeout-seconds")
            .env("STUCK_TIMEOUT_SECONDS").defaultValue(900).atLeast(1)
            .describedAs("An application not yet running (no status, SUBMITTED or PENDING_RERUN) for this long counts as failed, e.g. an image that cannot be pulled.")
            .build();
    public static final Setting<Integer> VISIBILITY_TIMEOUT_SECONDS = Setting.integer("visibility-timeout-seconds")
            .env("VISIBILITY_TIMEOUT_SECONDS").defaultValue(300).atLeast(2)
            .check(v -> v <= 43_200 ? Optional.empty() : Optional.of("SQS allows at most 43200 (12 hours)"))
            .describedAs("How long a received message stays hidden; the dispatcher extends it by this much whenever half has passed, for as long as its application runs.")
            .build();
    public static final Setting<Integer> HISTORY_LIMIT = Setting.integer("history-limit")
            .env("HISTORY_LIMIT").defaultValue(100).atLeast(0)
            .describedAs("Finished applications kept for inspection; older ones are deleted once their message is gone (spark-operator's timeToLiveSeconds may delete them sooner).")
            .build();
    /** Shared with the builder and the Spark driver: declared in {@link LocationSettings}. */
    public static final Setting<AllowedInputs> ALLOWED_INPUTS = LocationSettings.ALLOWED_INPUTS;
    public static final Setting<LocationPrefixes> ALLOWED_MANIFESTS = Setting.of("allowed-manifests", "list",
                    v -> LocationPrefixes.parse("manifest locations", v))
            .env("ALLOWED_MANIFESTS").required()
            .check(p -> p.problem(false))
            .describedAs("Comma-separated prefixes, each ending in '/', where manifests may be (the builder's manifest-location, e.g. `s3://work/manifests/`); a message pointing elsewhere is dead-lettered before anything is read. Local manifests (`file:/`) are read only when a `file:/` prefix is listed.")
            .build();
    /** Shared with the Spark driver, which checks the manifest it reads against them again. */
    public static final Setting<LocationPrefixes> ALLOWED_OUTPUTS = LocationSettings.ALLOWED_OUTPUTS;
    public static final Setting<LocationPrefixes> ALLOWED_SCHEMAS = LocationSettings.ALLOWED_SCHEMAS;
    public static final Setting<Double> RUN_LIMIT_MB_PER_SECOND = Setting.decimal("run-limit-mb-per-second")
            .env("RUN_LIMIT_MB_PER_SECOND").defaultValue(50.0)
            .check(v -> v > 0 ? Optional.empty() : Optional.of("must be positive"))
            .describedAs("Slowest acceptable conversion rate of one application in MB/s: an attempt still running (RUNNING, UNKNOWN, SUCCEEDING, FAILING, ...) after its manifest's bytes at this rate, counted from its creation, is retried like a failure.")
            .build();
    public static final Setting<Integer> RUN_LIMIT_MINIMUM_SECONDS = Setting.integer("run-limit-minimum-seconds")
            .env("RUN_LIMIT_MINIMUM_SECONDS").defaultValue(3600).atLeast(1)
            .describedAs("Shortest run-time limit of an attempt, whatever its manifest's size (start-up, scheduling and executor allocation included).")
            .build();
    public static final Setting<RedrivePolicyCheck.Mode> REDRIVE_POLICY_CHECK = Setting.oneOf("redrive-policy-check", RedrivePolicyCheck.Mode.class)
            .env("REDRIVE_POLICY_CHECK").defaultValue(RedrivePolicyCheck.Mode.REFUSE)
            .describedAs("What start-up does when a queue the dispatcher reads has no redrive policy (RedrivePolicy with deadLetterTargetArn and maxReceiveCount): `refuse` to start, or `warn` and start. The builder reads it too.")
            .build();
    public static final Setting<String> AWS_REGION = Setting.string("aws-region")
            .env("AWS_REGION")
            .describedAs("AWS region; empty means the SDK's region chain (profile, instance metadata).")
            .build();
    public static final Setting<URI> AWS_ENDPOINT_URL = Setting.of("aws-endpoint-url", "url", DispatcherSettings::uri)
            .env("AWS_ENDPOINT_URL")
            .describedAs("Endpoint override for SQS and S3 (ElasticMQ, an S3-compatible server) for local and test use; empty means AWS. Credentials always come from the default chain.")
            .build();
    public static final Setting<String> LEASE_NAME = Setting.string("lease-name")
            .env("LEASE_NAME").defaultValue("ndjson-parquet-dispatcher")
            .describedAs("Name of the Lease (in the job namespace) that elects the one dispatching replica.")
            .build();
    public static final Setting<Integer> METRICS_PORT = Setting.integer("metrics-port")
            .env("METRICS_PORT").defaultValue(8080).atLeast(0)
            .describedAs("Port of /metrics (Prometheus), /healthz and /readyz; 0 picks a free port.")
            .build();
    public static final Setting<List<String>> SPARK_APP_ARGS = Setting.<List<String>>of("spark-app-args", "string", s ->
                    Arrays.stream(s.trim().split("\\s+")).filter(a -> !a.isEmpty()).toList())
            .env("SPARK_APP_ARGS")
            .describedAs("Extra arguments for the Spark application, space-separated, after `--manifest <uri>`.")
            .build();

    /** What {@code render} declares. */
    public static final List<Setting<?>> RENDER = List.of(SPARK_OPERATOR, JOB_NAMESPACE, SPARK_APPLICATION_TEMPLATE,
            BYTES_PER_EXECUTOR_GB, MIN_EXECUTORS, MAX_EXECUTORS, SPARK_APP_ARGS, STUCK_TIMEOUT_SECONDS);

    /** What {@code controller} declares, in the order of the documentation table. */
    public static final List<Setting<?>> ALL = List.of(MANIFEST_QUEUE_URL, DEAD_LETTER_QUEUE_URL, SPARK_OPERATOR, MAX_CONCURRENT_RUNS,
            JOB_NAMESPACE, SPARK_APPLICATION_TEMPLATE, BYTES_PER_EXECUTOR_GB, MIN_EXECUTORS, MAX_EXECUTORS,
            SPARK_APP_ARGS, MAX_ATTEMPTS, RETRY_BACKOFF_SECONDS, STUCK_TIMEOUT_SECONDS, VISIBILITY_TIMEOUT_SECONDS,
            HISTORY_LIMIT, ALLOWED_INPUTS, ALLOWED_MANIFESTS, ALLOWED_OUTPUTS, ALLOWED_SCHEMAS, RUN_LIMIT_MB_PER_SECOND,
            RUN_LIMIT_MINIMUM_SECONDS, REDRIVE_POLICY_CHECK, AWS_REGION, AWS_ENDPOINT_URL, LEASE_NAME, METRICS_PORT);

    /** Reads the {@link #RENDER} settings (and checks them together). */
    public static Application application(ResolvedSettings s) {
        ExecutorSizing sizing = ExecutorSizing.from(s);
        String template = s.get(SPARK_APPLICATION_TEMPLATE);
        String ns = s.get(JOB_NAMESPACE);
        return new Application(ns == null || ns.isBlank() ? null : ns,
                template == null || template.isBlank() ? null : Path.of(template),
                sizing,
                s.get(SPARK_APP_ARGS) == null ? List.of() : s.get(SPARK_APP_ARGS), s.get(SPARK_OPERATOR),
                Duration.ofSeconds(s.get(STUCK_TIMEOUT_SECONDS)));
    }

    /** Reads every setting of {@link #ALL}. */
    public static DispatcherSettings from(ResolvedSettings s) {
        List<String> problems = new ArrayList<>();
        Application app = null;
        try {
            app = application(s);
        } catch (SettingsException e) {
            problems.addAll(e.problems());
        }
        if (!problems.isEmpty()) {
            throw new SettingsException(problems);
        }
        LocationPrefixes manifests = s.get(ALLOWED_MANIFESTS);
        LocationPrefixes schemas = s.get(ALLOWED_SCHEMAS) == null || s.get(ALLOWED_SCHEMAS).prefixes().isEmpty()
                ? new LocationPrefixes("schema locations", manifests.prefixes()) : s.get(ALLOWED_SCHEMAS);
        TrustedLocations trust = new TrustedLocations(manifests, s.get(ALLOWED_INPUTS), s.get(ALLOWED_OUTPUTS), schemas);
        return new DispatcherSettings(s.get(MANIFEST_QUEUE_URL), s.get(DEAD_LETTER_QUEUE_URL), s.get(MAX_CONCURRENT_RUNS),
                app, s.get(MAX_ATTEMPTS), Duration.ofSeconds(s.get(RETRY_BACKOFF_SECONDS)),
                Duration.ofSeconds(s.get(STUCK_TIMEOUT_SECONDS)), s.get(VISIBILITY_TIMEOUT_SECONDS), s.get(HISTORY_LIMIT),
                s.get(ALLOWED_INPUTS), trust,
                new RunTimeLimit(s.get(RUN_LIMIT_MB_PER_SECOND), Duration.ofSeconds(s.get(RUN_LIMIT_MINIMUM_SECONDS))),
                s.get(REDRIVE_POLICY_CHECK), s.get(AWS_REGION), s.get(AWS_ENDPOINT_URL), s.get(LEASE_NAME), s.get(METRICS_PORT));
    }

    public RetryPolicy retryPolicy() {
        return new RetryPolicy(maxAttempts, retryBackoff);
    }

    private static Optional<String> httpUrl(String v) {
        return v.startsWith("http://") || v.startsWith("https://")
                ? Optional.empty() : Optional.of("must be an http(s) queue URL");
    }

    private static URI uri(String v) {
        try {
            URI u = new URI(v.trim());
            if (u.getScheme() == null || u.getHost() == null) {
                throw new IllegalArgumentException("must be an absolute URL such as http://localhost:9324");
            }
            return u;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + e.getReason(), e);
        }
    }
}
