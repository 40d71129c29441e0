package dev.ndjsonparquet.tools.e2e;

import dev.ndjsonparquet.controller.k8s.ApplicationState;
import dev.ndjsonparquet.controller.k8s.SparkApplication;
import dev.ndjsonparquet.tools.local.FaultPlan;
import dev.ndjsonparquet.tools.local.LocalSparkRunner;
import dev.ndjsonparquet.tools.local.SparkLaunch;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
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
 * spark-operator in the scenarios: the local runs' own {@link LocalSparkRunner}, with the scenario's
 * {@link FaultPlan}, plus what only a test looks at: a watch that records every change of every application (its
 * state, its deletion or suspension) and the number of active (not terminal) applications after each, so a scenario
 * checks the dispatcher's concurrency bound and what each application went through at every change, not at samples;
 * and the logs' tails.
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
    private final Map<String, ApplicationState> watched = new HashMap<>();
    private final AtomicInteger maxActive = new AtomicInteger();
    private final List<Change> changes = new java.util.ArrayList<>();
    private final Watch watch;
    private volatile boolean closing;

    Operator(KubernetesClient client, String namespace, SparkLaunch launch, FaultPlan plan, Path logs) {
        this.logs = logs;
        this.watch = client.resources(SparkApplication.class).inNamespace(namespace).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, SparkApplication app) {
                observed(action, app);
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
        this.runner = new LocalSparkRunner(client, namespace, launch, logs, withZombieEnd).start();
    }

    /** One change of one application as the watch saw it: its manifest, its state, or that it went (deleted, suspended). */
    record Change(String application, String manifestId, ApplicationState state, boolean gone) {
    }

    private synchronized void observed(Watcher.Action action, SparkApplication app) {
        String name = app.getMetadata().getName();
        var labels = app.getMetadata().getLabels();
        changes.add(new Change(name, labels == null ? null : labels.get(dev.ndjsonparquet.controller.dispatch.Labels.MANIFEST_ID),
                app.state(), action == Watcher.Action.DELETED || app.suspendRequested()));
        if (action == Watcher.Action.DELETED || app.suspendRequested()) {
            watched.remove(name); // deleted, or suspended: spark-operator removes its pods
        } else {
            watched.put(name, app.state());
        }
        int active = (int) watched.values().stream().filter(s -> !s.isTerminal()).count();
        maxActive.accumulateAndGet(active, Math::max);
    }

    /** The most applications seen active (created, not COMPLETED / FAILED / SUBMISSION_FAILED) at one moment. */
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
