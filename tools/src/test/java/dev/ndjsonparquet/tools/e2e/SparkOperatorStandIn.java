package dev.ndjsonparquet.tools.e2e;

import dev.ndjsonparquet.controller.dispatch.Labels;
import dev.ndjsonparquet.controller.dispatch.SparkApplicationBuilder;
import dev.ndjsonparquet.controller.k8s.ApplicationState;
import dev.ndjsonparquet.controller.k8s.SparkApplication;
import dev.ndjsonparquet.controller.k8s.SparkApplicationSpec;
import dev.ndjsonparquet.controller.k8s.SparkApplicationStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays spark-operator against the Kubernetes API (test code only): it looks at the SparkApplications of one
 * namespace, runs each new one as a Spark local-mode child JVM with the application's own {@code mainClass},
 * {@code arguments}, {@code sparkConf} and {@code hadoopConf}, and moves {@code .status.applicationState.state}
 * through spark-operator's sequence: SUBMITTED, RUNNING, SUCCEEDING, COMPLETED; or RUNNING, FAILING,
 * PENDING_RERUN, SUBMITTED, RUNNING ... as {@code restartPolicy} allows, then FAILED. It never edits a spec.
 *
 * <p>Faults are decided per execution by a {@link FaultPlan}: a lost driver fails the execution without running
 * Spark, a stuck application stays in SUBMITTED until it is deleted. A watch records the number of active
 * (not terminal) applications after every change, so a test can check the dispatcher's concurrency bound.
 */
final class SparkOperatorStandIn implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SparkOperatorStandIn.class);
    private static final Duration POLL = Duration.ofMillis(200);
    /** How long a lost driver is seen RUNNING before spark-operator notices the pod is gone. */
    private static final Duration DRIVER_LIFE = Duration.ofMillis(400);

    /**
     * What happens to one execution of an application. A zombie is a driver reported lost (its node
     * unreachable) that keeps running: its JVM goes on converting beside spark-operator's rerun, and it
     * stops after committing its data, before its result record, as a driver that dies midway would.
     */
    enum Fate { RUN, DRIVER_LOST, STUCK, ZOMBIE }

    /** The Spark setting that makes a driver fail after its data commit and before its result record. */
    private static final String FAIL_BEFORE_RESULT = "spark.ndjsonparquet.test.failBeforeResult";

    /** Decides the fate of an execution. */
    @FunctionalInterface
    interface FaultPlan {
        FaultPlan NONE = (app, attempt, execution) -> Fate.RUN;

        /**
         * @param app       the application (its manifest URI is in {@code spec.arguments})
         * @param attempt   the dispatcher's attempt (annotation), 1-based
         * @param execution spark-operator's execution of this object, 1-based
         */
        Fate fate(SparkApplication app, int attempt, int execution);
    }

    /** How the child JVM is started: java, classpath, JVM options and extra system properties. */
    record Launch(Path java, String classpath, List<String> javaOptions, Map<String, String> extraConf) {
    }

    /** One execution that ended. */
    record Execution(String application, String manifestId, int attempt, int execution, Fate fate, int exitCode) {
    }

    private static final class Tracked {
        final String uid;
        SparkApplication app;
        int execution;
        String phase = "NEW";
        Instant phaseSince = Instant.now();
        Process process;
        Fate fate;
        String lastError;

        Tracked(SparkApplication app) {
            this.uid = app.getMetadata().getUid();
            this.app = app;
        }
    }

    private final KubernetesClient client;
    private final String namespace;
    private final Launch launch;
    private final FaultPlan faults;
    private final Path logs;
    private final Map<String, Tracked> byUid = new HashMap<>();
    private final List<Execution> executions = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, ApplicationState> watched = new HashMap<>();
    private final Map<Process, Execution> zombies = new HashMap<>();
    private final AtomicInteger maxActive = new AtomicInteger();
    private final AtomicInteger maxJvms = new AtomicInteger();
    private final Thread thread;
    private final Watch watch;
    private volatile boolean stopped;

    SparkOperatorStandIn(KubernetesClient client, String namespace, Launch launch, FaultPlan faults, Path logs) {
        this.client = client;
        this.namespace = namespace;
        this.launch = launch;
        this.faults = faults;
        this.logs = logs;
        try {
            Files.createDirectories(logs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.watch = client.resources(SparkApplication.class).inNamespace(namespace).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, SparkApplication app) {
                observed(action, app);
            }

            @Override
            public void onClose(WatcherException cause) {
                if (cause != null && !stopped) {
                    LOG.warn("application watch closed: {}", cause.toString());
                }
            }
        });
        this.thread = new Thread(this::loop, "spark-operator-stand-in");
        thread.setDaemon(true);
        thread.start();
    }

    /** The most applications seen active (created, not COMPLETED / FAILED / SUBMISSION_FAILED) at one moment. */
    int maxActive() {
        return maxActive.get();
    }

    /** The most Spark JVMs running at one moment. */
    int maxJvms() {
        return maxJvms.get();
    }

    List<Execution> executions() {
        synchronized (executions) {
            return List.copyOf(executions);
        }
    }

    private synchronized void observed(Watcher.Action action, SparkApplication app) {
        String name = app.getMetadata().getName();
        if (action == Watcher.Action.DELETED || app.suspendRequested()) {
            watched.remove(name); // deleted, or suspended: spark-operator removes its pods
        } else {
            watched.put(name, app.state());
        }
        int active = (int) watched.values().stream().filter(s -> !s.isTerminal()).count();
        maxActive.accumulateAndGet(active, Math::max);
    }

    private void loop() {
        while (!stopped) {
            try {
                step();
            } catch (RuntimeException e) {
                LOG.warn("stand-in step failed; trying again: {}", e.toString());
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void step() {
        List<SparkApplication> apps = client.resources(SparkApplication.class).inNamespace(namespace).list().getItems();
        Set<String> present = new HashSet<>();
        for (SparkApplication app : apps) {
            String uid = app.getMetadata().getUid();
            present.add(uid);
            Tracked t = byUid.get(uid);
            if (t == null) {
                if (app.state() != ApplicationState.NEW) {
                    continue; // an application whose status someone else wrote
                }
                t = new Tracked(app);
                byUid.put(uid, t);
            }
            t.app = app;
            if (app.suspendRequested()) {
                suspend(t);
                continue;
            }
            advance(t);
        }
        for (var it = byUid.entrySet().iterator(); it.hasNext(); ) {
            Tracked t = it.next().getValue();
            if (!present.contains(t.uid)) {
                if (t.process != null && t.process.isAlive()) {
                    LOG.info("{} deleted while running: killing its driver", t.app.getMetadata().getName());
                    t.process.destroyForcibly();
                }
                it.remove();
            }
        }
        reapZombies();
        int jvms = (int) byUid.values().stream().filter(t -> t.process != null && t.process.isAlive()).count();
        maxJvms.accumulateAndGet(jvms, Math::max);
    }

    /** spark-operator on {@code spec.suspend}: the driver's pod is deleted (a zombie on a lost node lives on). */
    private void suspend(Tracked t) {
        if (t.process != null && t.process.isAlive()) {
            LOG.info("{} suspended while running: killing its driver", t.app.getMetadata().getName());
            t.process.destroyForcibly();
        }
        t.process = null;
        if (!"SUSPENDED".equals(t.phase)) {
            phase(t, "SUSPENDED", null);
        }
    }

    /** One transition at most per step, as the operator's reconcile loop would do. */
    private void advance(Tracked t) {
        switch (t.phase) {
            case "NEW" -> submit(t);
            case "SUBMITTED" -> {
                if (t.fate != Fate.STUCK) {
                    start(t);
                }
            }
            case "RUNNING" -> {
                if (t.fate == Fate.DRIVER_LOST || t.fate == Fate.ZOMBIE) {
                    if (since(t).compareTo(DRIVER_LIFE) >= 0) {
                        if (t.fate == Fate.ZOMBIE) {
                            leaveRunning(t);
                        }
                        ended(t, -1, "driver pod lost: node reclaimed (spot interruption)");
                    }
                } else if (!t.process.isAlive()) {
                    int exit = t.process.exitValue();
                    ended(t, exit, exit == 0 ? null : "driver exited with code " + exit + "; log " + log(t));
                }
            }
            case "SUCCEEDING" -> phase(t, "COMPLETED", null);
            case "FAILING" -> {
                if (t.execution <= retries(t)) {
                    phase(t, "PENDING_RERUN", null);
                } else {
                    phase(t, "FAILED", errorOf(t));
                }
            }
            case "PENDING_RERUN" -> {
                if (since(t).compareTo(retryInterval(t)) >= 0) {
                    submit(t);
                }
            }
            default -> { }
        }
    }

    private void submit(Tracked t) {
        t.execution++;
        t.fate = faults.fate(t.app, SparkApplicationBuilder.attemptOf(t.app), t.execution);
        phase(t, "SUBMITTED", null);
    }

    private void start(Tracked t) {
        if (t.fate == Fate.RUN || t.fate == Fate.ZOMBIE) {
            List<String> command = command(t.app);
            if (t.fate == Fate.ZOMBIE) {
                command.add(command.indexOf("-cp"), "-D" + FAIL_BEFORE_RESULT + "=true");
            }
            try {
                t.process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log(t).toFile()).start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        phase(t, "RUNNING", null);
    }

    /** A zombie's JVM is no longer the application's: it runs on unwatched, and its exit is recorded when it comes. */
    private void leaveRunning(Tracked t) {
        synchronized (zombies) {
            zombies.put(t.process, new Execution(t.app.getMetadata().getName(),
                    t.app.getMetadata().getLabels().get(Labels.MANIFEST_ID), SparkApplicationBuilder.attemptOf(t.app),
                    t.execution, Fate.ZOMBIE, Integer.MIN_VALUE));
        }
    }

    private void reapZombies() {
        synchronized (zombies) {
            for (var it = zombies.entrySet().iterator(); it.hasNext(); ) {
                var z = it.next();
                if (!z.getKey().isAlive()) {
                    Execution e = z.getValue();
                    executions.add(new Execution(e.application(), e.manifestId(), e.attempt(), e.execution(), Fate.ZOMBIE,
                            z.getKey().exitValue()));
                    it.remove();
                }
            }
        }
    }

    /** True while a zombie driver still runs. */
    boolean zombiesRunning() {
        synchronized (zombies) {
            return !zombies.isEmpty();
        }
    }

    private void ended(Tracked t, int exit, String error) {
        executions.add(new Execution(t.app.getMetadata().getName(), t.app.getMetadata().getLabels().get(Labels.MANIFEST_ID),
                SparkApplicationBuilder.attemptOf(t.app), t.execution, t.fate, exit));
        t.process = null;
        if (exit == 0) {
            phase(t, "SUCCEEDING", null);
        } else {
            t.lastError = error;
            phase(t, "FAILING", error);
        }
    }

    private String errorOf(Tracked t) {
        return t.lastError;
    }

    private Duration since(Tracked t) {
        return Duration.between(t.phaseSince, Instant.now());
    }

    private Path log(Tracked t) {
        return logs.resolve(t.app.getMetadata().getName() + "-a" + SparkApplicationBuilder.attemptOf(t.app) + "-e" + t.execution + ".log");
    }

    /** Retries restartPolicy allows after a failed execution: OnFailure's onFailureRetries, Always unbounded, Never none. */
    private static int retries(Tracked t) {
        Map<?, ?> policy = restartPolicy(t.app);
        Object type = policy.get("type");
        if ("Always".equals(type)) {
            return Integer.MAX_VALUE;
        }
        if (!"OnFailure".equals(type) || !(policy.get("onFailureRetries") instanceof Number n)) {
            return 0;
        }
        return n.intValue();
    }

    private static Duration retryInterval(Tracked t) {
        Object v = restartPolicy(t.app).get("onFailureRetryInterval");
        return Duration.ofSeconds(v instanceof Number n ? n.longValue() : 5);
    }

    private static Map<?, ?> restartPolicy(SparkApplication app) {
        Object rp = app.getSpec() == null ? null : app.getSpec().additionalProperty("restartPolicy");
        return rp instanceof Map<?, ?> m ? m : Map.of();
    }

    /** Writes the new state through the status subresource, on the latest version of the object. */
    private void phase(Tracked t, String state, String error) {
        for (int i = 0; ; i++) {
            SparkApplication current = client.resources(SparkApplication.class).inNamespace(namespace)
                    .withName(t.app.getMetadata().getName()).get();
            if (current == null || !t.uid.equals(current.getMetadata().getUid())) {
                return; // deleted or replaced: the next step forgets it
            }
            SparkApplicationStatus st = new SparkApplicationStatus();
            st.setApplicationState(new SparkApplicationStatus.State(state, error));
            st.setSubmissionAttempts(t.execution);
            st.setExecutionAttempts(state.equals("SUBMITTED") ? t.execution - 1 : t.execution);
            st.setLastSubmissionAttemptTime(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
            if (state.equals("COMPLETED") || state.equals("FAILED")) {
                st.setTerminationTime(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
            }
            st.setAdditionalProperty("driverInfo", Map.of());
            current.setStatus(st);
            try {
                client.resources(SparkApplication.class).inNamespace(namespace).resource(current).updateStatus();
                t.phase = state;
                t.phaseSince = Instant.now();
                LOG.info("{} (attempt {}, execution {}): {}", t.app.getMetadata().getName(),
                        SparkApplicationBuilder.attemptOf(t.app), t.execution, state);
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || i >= 5) {
                    throw e;
                }
            }
        }
    }

    /** spark-submit in local mode: the application's conf as system properties, then mainClass and arguments. */
    private List<String> command(SparkApplication app) {
        SparkApplicationSpec spec = app.getSpec();
        Map<String, String> conf = new TreeMap<>();
        if (spec.getSparkConf() != null) {
            conf.putAll(spec.getSparkConf());
        }
        if (spec.additionalProperty("hadoopConf") instanceof Map<?, ?> hadoop) {
            hadoop.forEach((k, v) -> conf.put("spark.hadoop." + k, String.valueOf(v)));
        }
        conf.putAll(launch.extraConf());
        conf.put("spark.app.name", app.getMetadata().getName());
        List<String> cmd = new ArrayList<>();
        cmd.add(launch.java().toString());
        cmd.addAll(launch.javaOptions());
        conf.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-cp");
        cmd.add(launch.classpath());
        cmd.add(spec.getMainClass());
        cmd.addAll(spec.getArguments());
        return cmd;
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
        stopped = true;
        watch.close();
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (zombies) {
            zombies.keySet().forEach(Process::destroyForcibly);
        }
        for (Tracked t : byUid.values()) {
            if (t.process != null) {
                t.process.destroyForcibly();
                try {
                    t.process.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
