package dev.ndjsonparquet.tools.local;

import dev.ndjsonparquet.controller.dispatch.ApacheApplications;
import dev.ndjsonparquet.controller.k8s.SparkApplication;
import dev.ndjsonparquet.controller.k8s.SparkApplicationSpec;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Apache Spark operator's side of the local runner ({@code spark.apache.org/v1}, apache/spark-kubernetes-operator
 * 1.0.0): {@code .status.currentState.currentStateSummary} moves Submitted, DriverRequested, DriverStarted,
 * DriverReady, RunningHealthy, Succeeded, ResourceReleased; a failed driver ends Failed (DriverEvicted when its node
 * went, DriverStartTimedOut when it waited for a node past {@code driverStartTimeoutMillis}, SchedulingFailure when it
 * could not be started), then ScheduledToRestart as {@code restartConfig} allows, or ResourceReleased. Each state is
 * added to {@code status.stateTransitionHistory}. There is no suspend: the operator's finalizer (java-operator-sdk's
 * default name, {@code <plural>.<group>/finalizer}) keeps a deleted application listed until its driver is stopped.
 */
final class PlayedApache implements PlayedOperator {

    /** java-operator-sdk's default finalizer of the operator's reconciler. */
    static final String FINALIZER = "sparkapplications." + ApacheApplications.GROUP + "/finalizer";
    /** The operator's defaults (docs/spark_custom_resources.md at 1.0.0). */
    private static final int DEFAULT_MAX_RESTARTS = 3;
    private static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(30);
    private static final Duration DEFAULT_DRIVER_START_TIMEOUT = Duration.ofMinutes(5);

    private final KubernetesClient client;
    private final String namespace;
    private final MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>> api;

    PlayedApache(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
        this.api = client.genericKubernetesResources(ApacheApplications.CONTEXT);
    }

    @Override
    public String describe() {
        return "Apache Spark operator";
    }

    @Override
    public List<Seen> list() {
        return api.inNamespace(namespace).list().getItems().stream().map(PlayedApache::seen).toList();
    }

    private static Seen seen(GenericKubernetesResource app) {
        Map<String, Object> current = map(map(app.getAdditionalProperties().get("status")).get("currentState"));
        return new Seen(app.getMetadata().getUid(), app.getMetadata().getName(), launchView(app),
                current.get("currentStateSummary") == null, false, app.getMetadata().getDeletionTimestamp() != null);
    }

    /** What a launch and a fault plan read, in kubeflow's shape: {@code driverArgs} are the arguments. */
    static SparkApplication launchView(GenericKubernetesResource app) {
        Map<String, Object> spec = map(app.getAdditionalProperties().get("spec"));
        SparkApplication view = new SparkApplication();
        view.setMetadata(app.getMetadata());
        SparkApplicationSpec s = new SparkApplicationSpec();
        s.setMainClass(spec.get("mainClass") == null ? null : spec.get("mainClass").toString());
        List<String> args = new ArrayList<>();
        if (spec.get("driverArgs") instanceof List<?> l) {
            l.forEach(a -> args.add(String.valueOf(a)));
        }
        s.setArguments(args);
        Map<String, String> conf = new LinkedHashMap<>();
        map(spec.get("sparkConf")).forEach((k, v) -> conf.put(k, String.valueOf(v)));
        s.setSparkConf(conf);
        s.setAdditionalProperty("applicationTolerations", spec.get("applicationTolerations"));
        view.setSpec(s);
        return view;
    }

    @Override
    public void takeOn(Seen app) {
        finalizer(app, true);
    }

    @Override
    public void release(Seen app) {
        finalizer(app, false);
    }

    private void finalizer(Seen app, boolean add) {
        try {
            api.inNamespace(namespace).withName(app.name()).edit(r -> {
                if (!app.uid().equals(r.getMetadata().getUid())) {
                    return r;
                }
                List<String> finalizers = new ArrayList<>(r.getMetadata().getFinalizers() == null ? List.of() : r.getMetadata().getFinalizers());
                finalizers.remove(FINALIZER);
                if (add) {
                    finalizers.add(FINALIZER);
                }
                r.getMetadata().setFinalizers(finalizers);
                return r;
            });
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
                throw e;
            }
        }
    }

    @Override
    public List<String> states(Phase phase, Cause cause) {
        return switch (phase) {
            case NEW, STOPPED -> List.of();
            case SUBMITTED -> List.of("Submitted");
            case DRIVER_PENDING -> List.of("DriverRequested");
            case RUNNING -> List.of("DriverStarted", "DriverReady", "RunningHealthy");
            case SUCCEEDING -> List.of("Succeeded");
            case FAILING -> List.of(switch (cause) {
                case LOST -> "DriverEvicted";
                case START_TIMEOUT -> "DriverStartTimedOut";
                case EXIT -> "Failed";
            });
            case RERUN_PENDING -> List.of("ScheduledToRestart");
            case COMPLETED, FAILED -> List.of("ResourceReleased");
            case SUBMISSION_FAILED -> List.of("SchedulingFailure", "ResourceReleased");
        };
    }

    @Override
    public boolean write(Seen app, String state, String message, int execution) {
        GenericKubernetesResource current = api.inNamespace(namespace).withName(app.name()).get();
        if (current == null || !app.uid().equals(current.getMetadata().getUid())) {
            return false;
        }
        Map<String, Object> status = new LinkedHashMap<>(map(current.getAdditionalProperties().get("status")));
        Map<String, Object> history = new LinkedHashMap<>(map(status.get("stateTransitionHistory")));
        Map<String, Object> now = new LinkedHashMap<>();
        now.put("currentStateSummary", state);
        now.put("lastTransitionTime", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        if (message != null) {
            now.put("message", message);
        }
        history.put(Long.toString(history.size()), now);
        status.put("currentState", now);
        status.put("stateTransitionHistory", history);
        status.put("currentAttemptSummary", Map.of("attemptInfo", Map.of("id", execution - 1, "restartCounter", execution - 1)));
        current.setAdditionalProperty("status", status);
        // The status alone, as a status write on a real API server: the dispatcher's annotations stay as they are.
        api.inNamespace(namespace).resource(current).patchStatus();
        return true;
    }

    /**
     * {@code restartConfig}: Never none; Always every failure; OnFailure a failed driver (not a start time-out);
     * OnInfrastructureFailure a start time-out only; each up to {@code maxRestartAttempts}.
     */
    @Override
    public int reruns(SparkApplication app, Cause cause) {
        Map<String, Object> restart = map(tolerations(app).get("restartConfig"));
        Object policy = restart.getOrDefault("restartPolicy", "Never");
        int max = restart.get("maxRestartAttempts") instanceof Number n ? n.intValue() : DEFAULT_MAX_RESTARTS;
        return switch (String.valueOf(policy)) {
            case "Always" -> max;
            case "OnFailure" -> cause == Cause.START_TIMEOUT ? 0 : max;
            case "OnInfrastructureFailure" -> cause == Cause.START_TIMEOUT ? max : 0;
            default -> 0;
        };
    }

    @Override
    public Duration rerunInterval(SparkApplication app) {
        Object v = map(tolerations(app).get("restartConfig")).get("restartBackoffMillis");
        return v instanceof Number n ? Duration.ofMillis(n.longValue()) : DEFAULT_BACKOFF;
    }

    @Override
    public Optional<Duration> driverStartTimeout(SparkApplication app) {
        Object v = map(tolerations(app).get("applicationTimeoutConfig")).get("driverStartTimeoutMillis");
        return Optional.of(v instanceof Number n ? Duration.ofMillis(n.longValue()) : DEFAULT_DRIVER_START_TIMEOUT);
    }

    private static Map<String, Object> tolerations(SparkApplication app) {
        return app.getSpec() == null ? Map.of() : map(app.getSpec().additionalProperty("applicationTolerations"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
