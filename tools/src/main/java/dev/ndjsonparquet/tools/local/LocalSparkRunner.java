package dev.ndjsonparquet.tools.local;

import dev.ndjsonparquet.controller.dispatch.Labels;
import dev.ndjsonparquet.controller.dispatch.SparkApplicationBuilder;
import dev.ndjsonparquet.controller.k8s.ApplicationState;
import dev.ndjsonparquet.controller.k8s.SparkApplication;
import dev.ndjsonparquet.controller.k8s.SparkApplicationStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * spark-operator's part in local runs: watches the SparkApplications in one namespace of the in-process
 * API, runs each new one as a child JVM in Spark local mode ({@link SparkLaunch}) and reports the states
 * spark-operator reports, through the status subresource: SUBMITTED, RUNNING, then COMPLETED or FAILED
 * (SUBMISSION_FAILED when the JVM cannot start). It never edits a spec. An application deleted while it
 * runs (the dispatcher gave up on it) has its JVM stopped. Each run's output goes to
 * {@code <logs>/<application>-<attempt>.log}.
 */
public final class LocalSparkRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalSparkRunner.class);
    private static final Duration POLL = Duration.ofMillis(300);
    private static final int ERROR_TAIL_LINES = 12;

    /** A run that ended: which manifest, which attempt, how. */
    public record Finished(String application, String manifestId, int attempt, ApplicationState state, String error,
                           Duration took) {
    }

    private record Run(SparkApplication app, Process process, Path log, Instant started) {
    }

    private final KubernetesClient client;
    private final String namespace;
    private final SparkLaunch launch;
    private final Path logs;
    private final Map<String, Run> running = new HashMap<>();
    private final Set<String> seen = new HashSet<>();
    private final List<Finished> finished = new ArrayList<>();
    private final AtomicInteger runningCount = new AtomicInteger();
    private final Thread thread;
    private volatile boolean stopped;

    public LocalSparkRunner(KubernetesClient client, String namespace, SparkLaunch launch, Path logs) {
        this.client = client;
        this.namespace = namespace;
        this.launch = launch;
        this.logs = logs;
        this.thread = new Thread(this::loop, "local-spark-runner");
    }

    public LocalSparkRunner start() {
        try {
            Files.createDirectories(logs);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot create " + logs, e);
        }
        thread.start();
        return this;
    }

    /** Applications whose JVM runs now. */
    public int running() {
        return runningCount.get();
    }

    /** Every run that ended so far, in order. */
    public synchronized List<Finished> finished() {
        return List.copyOf(finished);
    }

    private void loop() {
        while (!stopped) {
            try {
                step();
            } catch (RuntimeException e) {
                LOG.warn("local runner step failed; trying again: {}", e.toString());
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void step() {
        List<SparkApplication> apps = client.resources(SparkApplication.class).inNamespace(namespace).list().getItems();
        Set<String> present = new HashSet<>();
        for (SparkApplication app : apps) {
            String uid = app.getMetadata().getUid();
            if (app.suspendRequested()) {
                continue; // as spark-operator: a suspended application's pods are deleted, none started
            }
            present.add(uid);
            if (!seen.contains(uid) && app.state() == ApplicationState.NEW) {
                seen.add(uid);
                submit(app);
            }
        }
        for (var it = running.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            Run run = e.getValue();
            if (!present.contains(e.getKey())) {
                LOG.info("application {} was deleted or suspended while running; stopping its JVM", run.app().getMetadata().getName());
                run.process().destroyForcibly();
                it.remove();
                runningCount.decrementAndGet();
            } else if (!run.process().isAlive()) {
                it.remove();
                runningCount.decrementAndGet();
                ended(run, run.process().exitValue());
            }
        }
        seen.retainAll(present);
    }

    private void submit(SparkApplication app) {
        String name = app.getMetadata().getName();
        int attempt = SparkApplicationBuilder.attemptOf(app);
        Path log = logs.resolve(name + "-" + attempt + ".log");
        Instant now = Instant.now();
        status(app, "SUBMITTED", null, now);
        Process p;
        try {
            p = new ProcessBuilder(launch.command(app))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException | RuntimeException e) {
            String why = "cannot start the Spark application: " + e.getMessage();
            LOG.warn("{}: {}", name, why);
            status(app, "SUBMISSION_FAILED", why, now);
            record(app, attempt, ApplicationState.SUBMISSION_FAILED, why, Duration.ZERO);
            return;
        }
        LOG.info("application {} (attempt {}) started as process {}; log {}", name, attempt, p.pid(), log);
        running.put(app.getMetadata().getUid(), new Run(app, p, log, now));
        runningCount.incrementAndGet();
        status(app, "RUNNING", null, now);
    }

    private void ended(Run run, int exit) {
        String name = run.app().getMetadata().getName();
        int attempt = SparkApplicationBuilder.attemptOf(run.app());
        Duration took = Duration.between(run.started(), Instant.now());
        if (exit == 0) {
            status(run.app(), "COMPLETED", null, run.started());
            record(run.app(), attempt, ApplicationState.COMPLETED, null, took);
            LOG.info("application {} completed in {} s", name, took.toSeconds());
        } else {
            String why = "driver exited with code " + exit + ": " + tail(run.log());
            status(run.app(), "FAILED", why, run.started());
            record(run.app(), attempt, ApplicationState.FAILED, why, took);
            LOG.warn("application {} failed (exit {}); log {}", name, exit, run.log());
        }
    }

    private synchronized void record(SparkApplication app, int attempt, ApplicationState state, String error, Duration took) {
        Map<String, String> labels = app.getMetadata().getLabels();
        finished.add(new Finished(app.getMetadata().getName(), labels == null ? null : labels.get(Labels.MANIFEST_ID),
                attempt, state, error, took));
    }

    /** Writes the status the way spark-operator does, on the latest version of the object. */
    private void status(SparkApplication app, String state, String error, Instant submitted) {
        var resource = client.resources(SparkApplication.class).inNamespace(namespace).withName(app.getMetadata().getName());
        SparkApplication current = resource.get();
        if (current == null || !app.getMetadata().getUid().equals(current.getMetadata().getUid())) {
            return; // deleted, or replaced by a newer attempt
        }
        SparkApplicationStatus st = new SparkApplicationStatus();
        st.setApplicationState(new SparkApplicationStatus.State(state, error));
        st.setSubmissionAttempts(1);
        st.setExecutionAttempts(state.equals("SUBMITTED") || state.equals("SUBMISSION_FAILED") ? 0 : 1);
        st.setLastSubmissionAttemptTime(submitted.truncatedTo(ChronoUnit.SECONDS).toString());
        if (state.equals("COMPLETED") || state.equals("FAILED") || state.equals("SUBMISSION_FAILED")) {
            st.setTerminationTime(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        }
        st.setAdditionalProperty("driverInfo", Map.of());
        current.setStatus(st);
        client.resources(SparkApplication.class).inNamespace(namespace).resource(current).updateStatus();
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            List<String> last = lines.subList(Math.max(0, lines.size() - ERROR_TAIL_LINES), lines.size());
            String text = String.join(" | ", last).strip();
            return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
        } catch (IOException | java.io.UncheckedIOException e) {
            return "(log " + log + " unreadable)";
        }
    }

    /** Stops watching and stops every JVM still running (their applications stay as they are, like a crash). */
    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Run run : running.values()) {
            run.process().destroy();
        }
        for (Run run : running.values()) {
            try {
                if (!run.process().waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    run.process().destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                run.process().destroyForcibly();
            }
        }
        running.clear();
        runningCount.set(0);
    }
}
