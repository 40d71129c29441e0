package dev.ndjsonparquet.tools.e2e;

import dev.ndjsonparquet.controller.dispatch.ApacheApplications;
import dev.ndjsonparquet.controller.dispatch.ApacheOperator;
import dev.ndjsonparquet.controller.dispatch.KubeflowOperator;
import dev.ndjsonparquet.controller.dispatch.OperatorKind;
import dev.ndjsonparquet.controller.dispatch.Run;
import dev.ndjsonparquet.controller.dispatch.RunState;
import dev.ndjsonparquet.controller.k8s.SparkApplication;
import dev.ndjsonparquet.tools.local.FaultPlan;
import dev.ndjsonparquet.tools.local.LocalSparkRunner;
import dev.ndjsonparquet.tools.local.SparkLaunch;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Spark operator in the scenarios (kubeflow's or Apache's): the local runs' own {@link LocalSparkRunner}, with the
 * scenario's {@link FaultPlan}, plus what only a test looks at: a watch that records every change of every application
 * (its state in the project's terms, its deletion or stop) and the number of active (not finished) applications after
 * each, so a scenario checks the dispatcher's concurrency bound and what each application went through at every
 * change, not at samples; and the logs' tails.
 */
final class Operator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Operator.class);

    /**
     * Makes a driver fail after its data commit and before its result record (a zombie's end): the Spark setting naming
     * spark-app's checkpoints class, and the test class it names (spark-app's test classes are on the e2e drivers'
     * classpath, {@link SparkAppClasspath}).
     */
    private static final String FAIL_BEFORE_RESULT =
            "-Dspark.ndjsonparquet.checkpoints.class=dev.ndjsonparquet.spark.faults.FailBeforeResult";

    private final LocalSparkRunner runner;
    private final Path logs;
    /** kubeflow's resource, read as the dispatcher reads it. */
    private static final ResourceDefinitionContext KUBEFLOW = new ResourceDefinitionContext.Builder()
            .withGroup(SparkApplication.GROUP).withVersion(SparkApplication.VERSION).withKind("SparkApplication")
            .withPlural("sparkapplications").withNamespaced(true).build();

    private final OperatorKind kind;
    private final KubernetesClient client;
    private final String namespace;
    private final Map<String, RunState> watched = new HashMap<>();
    private final AtomicInteger maxActive = new AtomicInteger();
    private final List<Change> changes = new java.util.ArrayList<>();
    private final Watch watch;
    private volatile boolean closing;

    Operator(KubernetesClient client, String namespace, SparkLaunch launch, FaultPlan plan, Path logs) {
        this(OperatorKind.KUBEFLOW, client, namespace, launch, plan, logs);
    }

    Operator(OperatorKind kind, KubernetesClient client, String namespace, SparkLaunch launch, FaultPlan plan, Path logs) {
        this.kind = kind;
        this.client = client;
        this.namespace = namespace;
        this.logs = logs;
        this.watch = client.genericKubernetesResources(context(kind)).inNamespace(namespace).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, GenericKubernetesResource app) {
                observed(action, run(app));
            }

            @Override
            public void onClose(WatcherException cause) {
                if (cause != null && !closing) {
                    LOG.warn("application watch closed: {}", cause.toString());
                }
            }
        });
        FaultPlan withZombieEnd = new FaultPlan() {
            @Override
            public Fate fate(SparkApplication app, int attempt, int execution) {
                return plan.fate(app, attempt, execution);
            }

            @Override
            public List<String> jvmOptions(Fate fate) {
                return fate == Fate.ZOMBIE ? List.of(FAIL_BEFORE_RESULT) : List.of();
            }

            // Without it the runner held waiting pods for the default 5 s, not the scenario's twice the stuck timeout.
            @Override
            public java.time.Duration capacityWait() {
                return plan.capacityWait();
            }
        };
        this.runner = new LocalSparkRunner(kind, client, namespace, launch, logs, withZombieEnd).start();
    }

    private static ResourceDefinitionContext context(OperatorKind kind) {
        return kind == OperatorKind.KUBEFLOW ? KUBEFLOW : ApacheApplications.CONTEXT;
    }

    /** One application as the dispatcher sees it. */
    private Run run(GenericKubernetesResource app) {
        return kind == OperatorKind.KUBEFLOW
                ? KubeflowOperator.toRun(client.getKubernetesSerialization().convertValue(app, SparkApplication.class))
                : ApacheOperator.toRun(app);
    }

    /** Every application in the namespace, as the dispatcher sees them. */
    List<Run> applications() {
        return client.genericKubernetesResources(context(kind)).inNamespace(namespace).list().getItems().stream().map(this::run).toList();
    }

    /**
     * One change of one application as the watch saw it: its manifest, its state, or that it went (deleted, asked to
     * stop: kubeflow's suspend, Apache's delete).
     */
    record Change(String application, String manifestId, RunState state, boolean gone) {
    }

    private synchronized void observed(Watcher.Action action, Run app) {
        boolean gone = action == Watcher.Action.DELETED || app.stopRequested();
        changes.add(new Change(app.name(), app.manifestId(), app.state(), gone));
        if (gone) {
            watched.remove(app.name()); // deleted, or stopped: the operator removes its pods
        } else {
            watched.put(app.name(), app.state());
        }
        int active = (int) watched.values().stream().filter(s -> !s.finished()).count();
        maxActive.accumulateAndGet(active, Math::max);
    }

    /** The most applications seen active (created, not succeeded, failed or failed to submit) at one moment. */
    int maxActive() {
        return maxActive.get();
    }

    /** Every change the watch saw, in order. */
    synchronized List<Change> changes() {
        return List.copyOf(changes);
    }

    /** The most Spark JVMs running at one moment. */
    int maxJvms() {
        return runner.maxJvms();
    }

    List<LocalSparkRunner.Finished> executions() {
        return runner.finished();
    }

    boolean zombiesRunning() {
        return runner.zombiesRunning();
    }

    /** The last lines of every log, for a failure message. */
    String logTails() {
        StringBuilder out = new StringBuilder();
        try (var files = Files.list(logs)) {
            for (Path p : files.sorted().toList()) {
                List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
                out.append("---- ").append(p.getFileName()).append('\n')
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()))).append('\n');
            }
        } catch (IOException e) {
            out.append("(logs unreadable: ").append(e).append(')');
        }
        return out.toString();
    }

    @Override
    public void close() {
        closing = true;
        watch.close();
        runner.close();
    }
}
