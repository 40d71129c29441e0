package dev.ndjsonparquet.tools.local;

import dev.ndjsonparquet.controller.k8s.ApplicationState;
import dev.ndjsonparquet.controller.k8s.SparkApplication;
import dev.ndjsonparquet.controller.k8s.SparkApplicationStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * kubeflow spark-operator's side of the local runner ({@code sparkoperator.k8s.io/v1beta2}):
 * {@code .status.applicationState.state} moves SUBMITTED, RUNNING, SUCCEEDING, COMPLETED; or RUNNING, FAILING,
 * PENDING_RERUN, SUBMITTED ... as {@code spec.restartPolicy} allows, then FAILED (SUBMISSION_FAILED when the JVM cannot
 * start); {@code spec.suspend} makes it SUSPENDED. A pending driver pod has no state of its own (still SUBMITTED).
 */
final class PlayedKubeflow implements PlayedOperator {

    private final KubernetesClient client;
    private final String namespace;

    PlayedKubeflow(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    @Override
    public String describe() {
        return "kubeflow spark-operator";
    }

    @Override
    public List<Seen> list() {
        return client.resources(SparkApplication.class).inNamespace(namespace).list().getItems().stream()
                .map(app -> new Seen(app.getMetadata().getUid(), app.getMetadata().getName(), app,
                        app.state() == ApplicationState.NEW, app.suspendRequested(), app.getMetadata().getDeletionTimestamp() != null))
                .toList();
    }

    @Override
    public void takeOn(Seen app) {
    }

    @Override
    public void release(Seen app) {
    }

    @Override
    public List<String> states(Phase phase, Cause cause) {
        return switch (phase) {
            case NEW, DRIVER_PENDING -> List.of();
            case RERUN_PENDING -> List.of("PENDING_RERUN");
            case STOPPED -> List.of("SUSPENDED");
            default -> List.of(phase.name());
        };
    }

    @Override
    public boolean write(Seen app, String state, String message, int execution) {
        SparkApplication current = client.resources(SparkApplication.class).inNamespace(namespace).withName(app.name()).get();
        if (current == null || !app.uid().equals(current.getMetadata().getUid())) {
            return false;
        }
        SparkApplicationStatus st = new SparkApplicationStatus();
        st.setApplicationState(new SparkApplicationStatus.State(state, message));
        st.setSubmissionAttempts(execution);
        st.setExecutionAttempts(state.equals("SUBMITTED") || state.equals("SUBMISSION_FAILED") ? execution - 1 : execution);
        st.setLastSubmissionAttemptTime(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        if (ApplicationState.parse(state).isTerminal()) {
            st.setTerminationTime(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        }
        st.setAdditionalProperty("driverInfo", Map.of());
        current.setStatus(st);
        client.resources(SparkApplication.class).inNamespace(namespace).resource(current).updateStatus();
        return true;
    }

    @Override
    public int reruns(SparkApplication app, Cause cause) {
        return RestartPolicy.retries(app);
    }

    @Override
    public Duration rerunInterval(SparkApplication app) {
        return RestartPolicy.interval(app);
    }

    /** spark-operator v2 has no start time-out: a driver waits for its node as long as it takes. */
    @Override
    public Optional<Duration> driverStartTimeout(SparkApplication app) {
        return Optional.empty();
    }
}
