package dev.ndjsonparquet.controller.dispatch;

import dev.ndjsonparquet.controller.k8s.EventRecorder;
import dev.ndjsonparquet.controller.k8s.SparkApplication;
import dev.ndjsonparquet.controller.k8s.SparkApplicationSpec;
import dev.ndjsonparquet.conversion.ConversionSettings;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Apache Spark operator ({@code spark.apache.org/v1}, apache/spark-kubernetes-operator 1.0.0) behind the
 * {@link SparkOperator} seam. The application is the kubeflow one the builder makes, moved into Apache's shape
 * ({@link ApacheApplications}); its states are mapped by {@link ApacheStates}. 1.0.0 has no {@code spec.suspend},
 * so stop deletes: the operator's finalizer keeps the application listed (with a deletion timestamp, so asked to
 * stop and, not finished, holding a run slot) until it has released the driver and executors.
 */
public final class ApacheOperator implements SparkOperator {

    private final KubernetesClient client;
    private final MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>> api;
    private final String namespace;
    private final EventRecorder events;
    private final SparkApplicationBuilder builder;
    private final ApacheApplications shape;
    private final Map<String, String> selector;

    public ApacheOperator(KubernetesClient client, String namespace, EventRecorder events, SparkApplicationBuilder builder,
                          Duration startTimeout) {
        this.client = client;
        this.api = client.genericKubernetesResources(ApacheApplications.CONTEXT);
        this.namespace = namespace;
        this.events = events;
        this.builder = builder;
        this.shape = new ApacheApplications(startTimeout);
        this.selector = builder.ownedSelector();
    }

    /** The application this operator would create for a request (render, tests). */
    public GenericKubernetesResource build(SparkApplicationBuilder.Request request) {
        return shape.from(builder.build(request));
    }

    @Override
    public String describe() {
        return "Apache Spark operator (" + ApacheApplications.API_VERSION + ")";
    }

    @Override
    public String namespace() {
        return namespace;
    }

    @Override
    public List<Run> list() {
        return api.inNamespace(namespace).withLabels(selector).list().getItems().stream().map(ApacheOperator::toRun).toList();
    }

    @Override
    public Created createOrAdopt(SparkApplicationBuilder.Request request) {
        GenericKubernetesResource app = build(request);
        String name = app.getMetadata().getName();
        try {
            return new Created(toRun(api.inNamespace(namespace).resource(app).create()), false);
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                throw e;
            }
        }
        GenericKubernetesResource existing = api.inNamespace(namespace).withName(name).get();
        if (existing == null) {
            throw new KubernetesClientException("SparkApplication " + namespace + "/" + name
                    + " reported as existing but is gone (being deleted?)");
        }
        String want = app.getMetadata().getLabels().get(Labels.MANIFEST_ID);
        Map<String, String> have = existing.getMetadata().getLabels();
        if (have == null || !want.equals(have.get(Labels.MANIFEST_ID))) {
            throw new KubernetesClientException("SparkApplication " + namespace + "/" + name
                    + " exists but does not belong to manifest " + want + "; not adopting it");
        }
        return new Created(toRun(existing), true);
    }

    @Override
    public Run annotate(String name, Map<String, String> annotations) {
        String json = client.getKubernetesSerialization().asJson(Map.of("metadata", Map.of("annotations", annotations)));
        return toRun(api.inNamespace(namespace).withName(name).patch(PatchContext.of(PatchType.JSON_MERGE), json));
    }

    /** No suspend in 1.0.0: delete; the run stays listed, asked to stop, until its pods are released. */
    @Override
    public void stop(String name) {
        delete(name);
    }

    @Override
    public boolean delete(String name) {
        return !api.inNamespace(namespace).withName(name).delete().isEmpty();
    }

    @Override
    public RunUsage usage(Run run, Instant now) {
        GenericKubernetesResource app = (GenericKubernetesResource) run.resource();
        Map<String, Object> spec = ApacheApplications.map(app.getAdditionalProperties().get("spec"));
        Map<String, String> conf = new LinkedHashMap<>();
        ApacheApplications.map(spec.get("sparkConf")).forEach((k, v) -> conf.put(k, String.valueOf(v)));
        SparkApplication view = new SparkApplication();
        SparkApplicationSpec viewSpec = new SparkApplicationSpec();
        viewSpec.setSparkConf(conf);
        view.setSpec(viewSpec);
        double price = DriverConversionSettings.resolve(view).get(ConversionSettings.EXECUTOR_CORE_HOUR_PRICE_USD);
        int instances = integer(conf.get("spark.executor.instances"), 0);
        int cores = integer(conf.get("spark.executor.cores"), 1);
        Instant start = run.startedAt();
        Instant end = run.state().finished() ? run.finishedAt() : now;
        double seconds = start == null || end == null || end.isBefore(start) ? 0 : Duration.between(start, end).toMillis() / 1000.0;
        double coreSeconds = (double) instances * cores * seconds;
        return new RunUsage(coreSeconds, coreSeconds / 3600.0 * price);
    }

    @Override
    public void warn(Run run, String reason, String message) {
        events.warning(ApacheApplications.API_VERSION, run.name(), run.uid(), reason, message);
    }

    /** The dispatcher's view of one Apache application. */
    public static Run toRun(GenericKubernetesResource app) {
        ObjectMeta meta = app.getMetadata();
        Map<String, String> labels = meta.getLabels();
        Map<String, Object> status = ApacheApplications.map(app.getAdditionalProperties().get("status"));
        Map<String, Object> current = ApacheApplications.map(status.get("currentState"));
        Object summary = current.get("currentStateSummary");
        String operatorState = summary == null ? "" : summary.toString();
        List<String> history = ApacheStates.history(ApacheApplications.map(status.get("stateTransitionHistory")));
        RunState state = ApacheStates.stateOf(operatorState, history);
        Object message = current.get("message");
        if ((message == null || message.toString().isBlank()) && state.finished()) {
            message = ApacheStates.lastMessage(ApacheApplications.map(status.get("stateTransitionHistory")));
        }
        String error = message == null || message.toString().isBlank() || state == RunState.SUCCEEDED ? null : message.toString();
        Instant finished = state.finished() ? ApiTimestamps.parse(java.util.Objects.toString(current.get("lastTransitionTime"), null)) : null;
        if (finished == null) {
            finished = ApiTimestamps.parse(meta.getCreationTimestamp());
        }
        return new Run(meta.getName(), meta.getUid(), labels == null ? null : labels.get(Labels.MANIFEST_ID),
                Labels.attemptOf(meta), Labels.firstAttemptOf(meta), Labels.startedAt(meta),
                Labels.annotation(meta, Labels.MESSAGE_ID), state, operatorState.isEmpty() ? "NoStatus" : operatorState, error,
                ApacheStates.mayStillRun(operatorState, state), meta.getDeletionTimestamp() != null,
                Labels.annotation(meta, Labels.DEAD_LETTER_REASON), Labels.annotation(meta, Labels.DEAD_LETTER_SENT) != null,
                finished == null ? Instant.EPOCH : finished, app);
    }

    private static int integer(String v, int otherwise) {
        try {
            return v == null ? otherwise : Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }
}
