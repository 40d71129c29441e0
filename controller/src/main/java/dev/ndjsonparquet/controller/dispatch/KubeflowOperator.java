package dev.ndjsonparquet.controller.dispatch;

import dev.ndjsonparquet.controller.k8s.ApplicationState;
import dev.ndjsonparquet.controller.k8s.EventRecorder;
import dev.ndjsonparquet.controller.k8s.SparkApplication;
import dev.ndjsonparquet.controller.k8s.SparkApplications;
import dev.ndjsonparquet.conversion.ConversionSettings;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * kubeflow spark-operator ({@code sparkoperator.k8s.io/v1beta2}) behind the {@link SparkOperator} seam: the
 * application built from the template ({@link SparkApplicationBuilder}), its states mapped onto {@link RunState},
 * stop as {@code spec.suspend} (spark-operator v2 moves a suspended application that is not COMPLETED or FAILED to
 * SUSPENDING and deletes its driver and executors), Events on the application.
 */
public final class KubeflowOperator implements SparkOperator {

    private final SparkApplications applications;
    private final EventRecorder events;
    private final SparkApplicationBuilder builder;
    private final Map<String, String> selector;
    private final NodeCapacityTypes nodes;

    public KubeflowOperator(SparkApplications applications, EventRecorder events, SparkApplicationBuilder builder) {
        this.applications = applications;
        this.events = events;
        this.builder = builder;
        this.selector = builder.ownedSelector();
        this.nodes = new NodeCapacityTypes(applications.client());
    }

    @Override
    public String describe() {
        return "kubeflow spark-operator (" + SparkApplication.API_VERSION + ")";
    }

    @Override
    public String namespace() {
        return applications.namespace();
    }

    @Override
    public List<Run> list() {
        return applications.list(selector).stream().map(KubeflowOperator::toRun).toList();
    }

    @Override
    public Created createOrAdopt(SparkApplicationBuilder.Request request) {
        SparkApplications.Created c = applications.createOrAdopt(builder.build(request), Labels.MANIFEST_ID);
        return new Created(toRun(c.application()), c.adopted());
    }

    @Override
    public Run annotate(String name, Map<String, String> annotations) {
        return toRun(applications.annotate(name, annotations, false));
    }

    @Override
    public void stop(String name) {
        applications.annotate(name, Map.of(), true);
    }

    @Override
    public boolean delete(String name) {
        return applications.delete(name);
    }

    @Override
    public RunUsage usage(Run run, Instant now) {
        SparkApplication app = (SparkApplication) run.resource();
        return RunUsage.of(app, now, DriverConversionSettings.resolve(app).get(ConversionSettings.EXECUTOR_CORE_HOUR_PRICE_USD));
    }

    /**
     * The pods carry the manifest id ({@link SparkApplicationBuilder}'s pod labels), Spark's own role label and
     * spark-operator's application name (so another attempt's pods are left out); each bound executor pod with its
     * node's capacity type.
     */
    @Override
    public List<CapacityWait.PodView> pods(Run run) {
        return applications.pods(Map.of(Labels.MANIFEST_ID, run.manifestId())).stream().map(CapacityWait::view)
                .filter(p -> p.application() == null || p.application().equals(run.name()))
                .map(p -> p.executor() && p.node() != null ? p.on(nodes.of(p.node())) : p).toList();
    }

    @Override
    public void warn(Run run, String reason, String message) {
        events.warning(run.name(), run.uid(), reason, message);
    }

    /** The dispatcher's view of one application. */
    public static Run toRun(SparkApplication app) {
        var meta = app.getMetadata();
        Map<String, String> labels = meta.getLabels();
        ApplicationState s = app.state();
        boolean retrying = operatorRetriesSubmission(app);
        String terminated = app.getStatus() == null ? null : app.getStatus().getTerminationTime();
        Instant finished = Labels.firstInstant(terminated, meta.getCreationTimestamp());
        return new Run(meta.getName(), meta.getUid(), labels == null ? null : labels.get(Labels.MANIFEST_ID),
                Labels.attemptOf(meta), Labels.firstAttemptOf(meta), Labels.startedAt(meta),
                Labels.annotation(meta, Labels.MESSAGE_ID), stateOf(s, retrying), s.name(), app.errorMessage(),
                !s.isTerminal() || s == ApplicationState.SUBMISSION_FAILED, app.suspendRequested(),
                Labels.annotation(meta, Labels.DEAD_LETTER_REASON), Labels.annotation(meta, Labels.DEAD_LETTER_SENT) != null,
                finished == null ? Instant.EPOCH : finished, app);
    }

    /**
     * spark-operator's states in the project's terms (the table in {@code docs/dispatcher.md}). A submission that
     * failed while spark-operator still retries it by itself (its restartPolicy allows more) is pending, not failed.
     */
    public static RunState stateOf(ApplicationState s, boolean operatorRetriesSubmission) {
        return switch (s) {
            case NEW, SUBMITTED, PENDING_RERUN -> RunState.PENDING;
            case RUNNING, SUCCEEDING, FAILING, INVALIDATING, SUSPENDING, SUSPENDED, RESUMING, UNKNOWN -> RunState.RUNNING;
            case COMPLETED -> RunState.SUCCEEDED;
            case FAILED -> RunState.FAILED;
            case SUBMISSION_FAILED -> operatorRetriesSubmission ? RunState.PENDING : RunState.SUBMISSION_FAILED;
        };
    }

    /** spark-operator still retries a failed submission by itself (its restartPolicy allows more). */
    @SuppressWarnings("unchecked")
    static boolean operatorRetriesSubmission(SparkApplication app) {
        if (app.state() != ApplicationState.SUBMISSION_FAILED) {
            return false;
        }
        Object rp = app.getSpec() == null ? null : app.getSpec().additionalProperty("restartPolicy");
        if (!(rp instanceof Map<?, ?> policy) || "Never".equals(policy.get("type"))) {
            return false;
        }
        Object retries = ((Map<String, Object>) policy).get("onSubmissionFailureRetries");
        if (!(retries instanceof Number n)) {
            return false;
        }
        Integer attempts = app.getStatus() == null ? null : app.getStatus().getSubmissionAttempts();
        return (attempts == null ? 0 : attempts) <= n.intValue();
    }

    /** The dispatcher decided to dead-letter this application's manifest (the annotation it records first). */
    public static boolean deadLettered(SparkApplication app) {
        return Labels.annotation(app.getMetadata(), Labels.DEAD_LETTER_REASON) != null;
    }
}
