package dev.ndjsonparquet.tools.local;

import dev.ndjsonparquet.capacity.CapacityType;
import dev.ndjsonparquet.controller.dispatch.CapacityWait;
import dev.ndjsonparquet.controller.dispatch.Labels;
import dev.ndjsonparquet.controller.dispatch.SparkApplicationBuilder;
import dev.ndjsonparquet.controller.k8s.ApplicationState;
import dev.ndjsonparquet.controller.k8s.SparkApplication;
import dev.ndjsonparquet.controller.dispatch.OperatorKind;
import dev.ndjsonparquet.tools.local.FaultPlan.Fate;
import dev.ndjsonparquet.tools.local.PlayedOperator.Cause;
import dev.ndjsonparquet.tools.local.PlayedOperator.Phase;
import dev.ndjsonparquet.tools.local.PlayedOperator.Seen;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Spark operator's part, on this machine: watches the SparkApplications in one namespace of the Kubernetes API,
 * runs each new one as a child JVM in Spark local mode ({@link SparkLaunch}) and moves its state through the
 * operator's sequence, one transition per look, through the status subresource. It never edits a spec. Either
 * operator ({@link OperatorKind}): the life-cycle here is shared (submitted, the driver waiting for its node, running,
 * ended, the operator's own rerun, stopped) and {@link PlayedOperator} says what each operator writes for it:
 * kubeflow's {@code .status.applicationState.state} ({@link PlayedKubeflow}) or the Apache operator's
 * {@code .status.currentState.currentStateSummary} and its history ({@link PlayedApache}). An application deleted, or
 * asked to stop (kubeflow's {@code spec.suspend}, SUSPENDED), while it runs has its JVM stopped; a deleted Apache
 * application stays listed until the runner has stopped its driver and removed the operator's finalizer.
 * Each execution's output goes to {@code <logs>/<application>-<attempt>.log} ({@code -<execution>} added for reruns).
 *
 * <p>The same runner is the end-to-end tests' operator: a {@link FaultPlan} decides each execution's fate
 * (lost, stuck and zombie drivers); local runs use {@link FaultPlan#NONE}.
 */
public final class LocalSparkRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalSparkRunner.class);
    private static final Duration POLL = Duration.ofMillis(200);
    /** How long a lost driver is seen running before the operator notices its pod is gone. */
    private static final Duration DRIVER_LIFE = Duration.ofMillis(400);
    private static final int ERROR_TAIL_LINES = 12;
    /** The on-demand node overflowing executors (and drivers that waited) are bound to: a Node object labelled as Karpenter labels one. */
    public static final String ON_DEMAND_NODE = "local-on-demand-1";
    /** Exit code recorded for a driver reported lost (no process exit behind it). */
    public static final int LOST = -1;

    /**
     * One execution that ended: which manifest, which attempt (the dispatcher's) and execution (the operator's),
     * its fate, how it ended (COMPLETED, FAILED for this execution, SUBMISSION_FAILED when its driver never started),
     * the JVM's exit code ({@link #LOST} for a driver reported lost; a zombie's real exit is a second entry when it
     * comes), and when its JVM started and this entry was recorded (a zombie's second entry: when its JVM was seen ended).
     */
    public record Finished(String application, String manifestId, int attempt, int execution, Fate fate,
                           ApplicationState state, int exitCode, String error, Duration took, Instant started, Instant ended) {

        /** Whether this execution's JVM and {@code other}'s ran at the same time at some moment. */
        public boolean overlaps(Finished other) {
            return started != null && other.started != null && started.isBefore(other.ended) && other.started.isBefore(ended);
        }
    }

    private static final class Tracked {
        final String uid;
        Seen seen;
        /** The application as a launch and the fault plan read it. */
        SparkApplication app;
        int execution;
        Phase phase = Phase.NEW;
        Instant phaseSince = Instant.now();
        /** The operator's states of this phase still to write, one per look, and their message. */
        final Deque<String> toWrite = new ArrayDeque<>();
        String message;
        Instant started;
        Process process;
        Fate fate;
        Cause cause = Cause.EXIT;
        String lastError;
        /** An overflowing execution's executor pods, once created, and their binding (null while they wait). */
        List<String> executorPods = List.of();
        Instant executorsBound;

        Tracked(Seen seen) {
            this.uid = seen.uid();
            this.seen = seen;
            this.app = seen.launch();
        }

        boolean inFlight() {
            return !phase.settled();
        }
    }

    private final PlayedOperator operator;
    private final String namespace;
    private final KubernetesClient client;
    private final SparkLaunch launch;
    private final Path logs;
    private final FaultPlan faults;
    private final Map<String, Tracked> byUid = new HashMap<>();
    private final List<Finished> finished = new ArrayList<>();
    private final Map<Process, Finished> zombies = new HashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxJvms = new AtomicInteger();
    private final Thread thread;
    private volatile boolean stopped;

    /** kubeflow spark-operator, every driver runs. */
    public LocalSparkRunner(KubernetesClient client, String namespace, SparkLaunch launch, Path logs) {
        this(client, namespace, launch, logs, FaultPlan.NONE);
    }

    /** kubeflow spark-operator with a fault plan. */
    public LocalSparkRunner(KubernetesClient client, String namespace, SparkLaunch launch, Path logs, FaultPlan faults) {
        this(OperatorKind.KUBEFLOW, client, namespace, launch, logs, faults);
    }

    /** The operator of {@code kind}, with a fault plan. */
    public LocalSparkRunner(OperatorKind kind, KubernetesClient client, String namespace, SparkLaunch launch, Path logs,
                            FaultPlan faults) {
        this.operator = PlayedOperator.of(kind, client, namespace);
        this.client = client;
        this.namespace = namespace;
        this.launch = launch;
        this.logs = logs;
        this.faults = faults;
        this.thread = new Thread(this::loop, "local-spark-runner");
        thread.setDaemon(true);
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

    /** Applications submitted and not yet in a terminal state (nor stopped). */
    public int running() {
        return inFlight.get();
    }

    /** The most Spark JVMs of applications running at one moment (zombies left aside). */
    public int maxJvms() {
        return maxJvms.get();
    }

    /** True while a zombie driver still runs. */
    public boolean zombiesRunning() {
        synchronized (zombies) {
            return !zombies.isEmpty();
        }
    }

    /** Every execution that ended so far, in order. */
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
        Set<String> present = new HashSet<>();
        for (Seen app : operator.list()) {
            present.add(app.uid());
            Tracked t = byUid.get(app.uid());
            if (t == null) {
                if (!app.fresh() || app.deleting()) {
                    continue; // an application whose status someone else wrote, or one going before it was taken on
                }
                t = new Tracked(app);
                byUid.put(app.uid(), t);
                operator.takeOn(app);
            }
            t.seen = app;
            t.app = app.launch();
            if (app.deleting()) {
                release(t);
            } else if (app.stopAsked()) {
                suspend(t);
            } else {
                advance(t);
            }
        }
        for (var it = byUid.entrySet().iterator(); it.hasNext(); ) {
            Tracked t = it.next().getValue();
            if (!present.contains(t.uid)) {
                stopJvm(t, "was deleted while running");
                deletePods(t);
                it.remove();
            }
        }
        reapZombies();
        inFlight.set((int) byUid.values().stream().filter(Tracked::inFlight).count());
        int jvms = (int) byUid.values().stream().filter(t -> t.process != null && t.process.isAlive()).count();
        maxJvms.accumulateAndGet(jvms, Math::max);
    }

    private void stopJvm(Tracked t, String why) {
        if (t.process != null && t.process.isAlive()) {
            LOG.info("application {} {}; stopping its JVM", t.seen.name(), why);
            t.process.destroyForcibly();
        }
        t.process = null;
    }

    /** An operator without suspend, on a delete: the driver is stopped (a zombie on a lost node lives on), then released. */
    private void release(Tracked t) {
        stopJvm(t, "is being deleted");
        deletePods(t);
        t.toWrite.clear();
        if (!t.phase.settled()) {
            t.phase = Phase.STOPPED;
        }
        operator.release(t.seen);
    }

    /**
     * kubeflow spark-operator on {@code spec.suspend}: the driver's pod is deleted (a zombie on a lost node lives on);
     * an application that already COMPLETED or FAILED stays so.
     */
    private void suspend(Tracked t) {
        stopJvm(t, "was suspended while running");
        deletePods(t);
        if (t.phase != Phase.STOPPED && t.phase != Phase.COMPLETED && t.phase != Phase.FAILED) {
            t.toWrite.clear();
            enter(t, Phase.STOPPED, null);
        }
    }

    /** One transition at most per look, as the operator's reconcile loop does. */
    private void advance(Tracked t) {
        if (!t.toWrite.isEmpty()) {
            write(t, t.toWrite.removeFirst());
            return;
        }
        switch (t.phase) {
            case NEW -> submit(t);
            case SUBMITTED -> {
                if (t.fate != Fate.STUCK && !enter(t, Phase.DRIVER_PENDING, null)) {
                    advance(t);
                }
            }
            case DRIVER_PENDING -> driverPending(t);
            case RUNNING -> {
                if (t.fate == Fate.OVERFLOWS_TO_ON_DEMAND && t.process == null) {
                    if (!executorsWait(t)) {
                        launchOrFail(t);
                    }
                } else if (t.fate == Fate.DRIVER_LOST || t.fate == Fate.ZOMBIE) {
                    if (since(t).compareTo(DRIVER_LIFE) >= 0) {
                        if (t.fate == Fate.ZOMBIE) {
                            leaveRunning(t);
                        }
                        ended(t, LOST, "driver pod lost: node reclaimed (spot interruption)");
                    }
                } else if (!t.process.isAlive()) {
                    int exit = t.process.exitValue();
                    executorsEnded(t);
                    ended(t, exit, exit == 0 ? null : "driver exited with code " + exit + ": " + tail(log(t)));
                }
            }
            case SUCCEEDING -> enter(t, Phase.COMPLETED, null);
            case FAILING -> enter(t, t.execution <= operator.reruns(t.app, t.cause) ? Phase.RERUN_PENDING : Phase.FAILED, t.lastError);
            case RERUN_PENDING -> {
                if (since(t).compareTo(operator.rerunInterval(t.app)) >= 0) {
                    submit(t);
                }
            }
            default -> { }
        }
    }

    /**
     * The driver pod requested: a {@link Fate#WAITS_FOR_NODE} (or overflowing) driver waits for its node
     * ({@link #driverWaits}), unless the operator's start time-out ends the wait first (Apache's
     * {@code driverStartTimeoutMillis}: DriverStartTimedOut); then it starts like any other.
     */
    private void driverPending(Tracked t) {
        if (t.fate == Fate.WAITS_FOR_NODE || t.fate == Fate.OVERFLOWS_TO_ON_DEMAND) {
            var timeout = operator.driverStartTimeout(t.app);
            if (timeout.isPresent() && faults.capacityWait().compareTo(timeout.get()) > 0 && since(t).compareTo(timeout.get()) >= 0) {
                deletePods(t);
                String why = "driver not started within " + timeout.get().toMillis() + " ms (no node)";
                record(t, ApplicationState.SUBMISSION_FAILED, LOST, why);
                t.cause = Cause.START_TIMEOUT;
                t.lastError = why;
                enter(t, Phase.FAILING, why);
                return;
            }
            if (driverWaits(t)) {
                return;
            }
        }
        start(t);
    }

    /**
     * A {@link Fate#WAITS_FOR_NODE} (or overflowing) driver: its pod Pending, PodScheduled False, Unschedulable, labelled
     * as spark-operator's pods are (manifest id, {@code spark-role}, application name), until {@link FaultPlan#capacityWait()}
     * after the pod's creation; then bound to an on-demand node at exactly that time. True while it waits.
     */
    private boolean driverWaits(Tracked t) {
        String name = t.app.getMetadata().getName() + "-driver";
        Pod pod = client.pods().inNamespace(namespace).withName(name).get();
        if (pod == null) {
            pod = createPendingPod(t, name, "driver");
            LOG.info("application {}: its driver waits for a node for {} s (fault plan)", t.app.getMetadata().getName(),
                    faults.capacityWait().toSeconds());
        }
        Instant bindAt = Instant.parse(pod.getMetadata().getCreationTimestamp()).plus(faults.capacityWait());
        if (Instant.now().isBefore(bindAt)) {
            return true;
        }
        bind(name, bindAt, null);
        return false;
    }

    /**
     * An overflowing execution's executors: created Pending and Unschedulable at the first look while RUNNING, bound to an
     * on-demand node {@link FaultPlan#capacityWait()} after the first one's creation. True while they wait.
     */
    private boolean executorsWait(Tracked t) {
        String app = t.app.getMetadata().getName();
        if (t.executorPods.isEmpty()) {
            Integer n = t.app.getSpec() == null || t.app.getSpec().getExecutor() == null ? null : t.app.getSpec().getExecutor().getInstances();
            List<String> names = new ArrayList<>();
            for (int i = 1; i <= (n == null ? 1 : n); i++) {
                names.add(app + "-exec-" + i);
                createPendingPod(t, app + "-exec-" + i, "executor");
            }
            t.executorPods = List.copyOf(names);
            LOG.info("application {}: its {} executor(s) wait for nodes for {} s, then go on-demand (fault plan)", app, names.size(),
                    faults.capacityWait().toSeconds());
        }
        Instant first = t.executorPods.stream().map(n -> client.pods().inNamespace(namespace).withName(n).get())
                .filter(p -> p != null).map(p -> Instant.parse(p.getMetadata().getCreationTimestamp())).min(Instant::compareTo)
                .orElse(Instant.now());
        Instant bindAt = first.plus(faults.capacityWait());
        if (Instant.now().isBefore(bindAt)) {
            return true;
        }
        t.executorPods.forEach(n -> bind(n, bindAt, null));
        t.executorsBound = bindAt;
        return false;
    }

    /** The executors of an overflowing execution end with its driver: their containers finish now (to the second). */
    private void executorsEnded(Tracked t) {
        if (t.executorsBound != null) {
            Instant end = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            t.executorPods.forEach(n -> bind(n, t.executorsBound, end.isBefore(t.executorsBound) ? t.executorsBound : end));
            t.executorsBound = null;
        }
    }

    private Pod createPendingPod(Tracked t, String name, String role) {
        Map<String, String> labels = new HashMap<>();
        labels.put(Labels.MANIFEST_ID, t.app.getMetadata().getLabels().get(Labels.MANIFEST_ID));
        labels.put("spark-role", role);
        labels.put(CapacityWait.APP_NAME_LABEL, t.app.getMetadata().getName());
        return client.pods().inNamespace(namespace).resource(new PodBuilder()
                .withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .withNewSpec().addNewContainer().withName("spark-kubernetes-" + role).withImage("spark").endContainer().endSpec()
                .withNewStatus().withPhase("Pending").addNewCondition().withType("PodScheduled").withStatus("False")
                .withReason("Unschedulable").withMessage("0/3 nodes are available: no spot capacity").endCondition().endStatus()
                .build()).create();
    }

    /**
     * The pod bound at {@code scheduled} to an on-demand node (a Node object labelled as Karpenter labels one), Running;
     * with {@code ended}, Succeeded with its container finished then.
     */
    private void bind(String podName, Instant scheduled, Instant ended) {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName(ON_DEMAND_NODE)
                .addToLabels(CapacityType.KARPENTER_LABEL, "on-demand").endMetadata().build()).createOr(existing -> existing.update());
        Pod p = client.pods().inNamespace(namespace).withName(podName).get();
        if (p == null) {
            return;
        }
        PodStatusBuilder status = new PodStatusBuilder().withPhase(ended == null ? "Running" : "Succeeded")
                .addNewCondition().withType("PodScheduled").withStatus("True").withLastTransitionTime(scheduled.toString()).endCondition();
        if (ended != null) {
            status.addNewContainerStatus().withName(p.getSpec().getContainers().get(0).getName()).withNewState().withNewTerminated()
                    .withExitCode(0).withFinishedAt(ended.toString()).endTerminated().endState().endContainerStatus();
        }
        p.getSpec().setNodeName(ON_DEMAND_NODE);
        p.setStatus(status.build());
        client.pods().inNamespace(namespace).resource(p).update();
    }

    /** The application's pods go with it (spark-operator's owner references). */
    private void deletePods(Tracked t) {
        for (Pod p : client.pods().inNamespace(namespace).withLabel(CapacityWait.APP_NAME_LABEL, t.app.getMetadata().getName())
                .list().getItems()) {
            client.pods().inNamespace(namespace).resource(p).delete();
        }
    }

    private void submit(Tracked t) {
        if (t.execution > 0) {
            deletePods(t); // a rerun: the previous execution's driver and executors are gone
            t.executorPods = List.of();
            t.executorsBound = null;
        }
        t.execution++;
        t.fate = faults.fate(t.app, SparkApplicationBuilder.attemptOf(t.app), t.execution);
        t.cause = Cause.EXIT;
        enter(t, Phase.SUBMITTED, null);
    }

    private void start(Tracked t) {
        t.started = Instant.now();
        if (t.fate == Fate.RUN || t.fate == Fate.ZOMBIE || t.fate == Fate.WAITS_FOR_NODE) {
            if (!launch(t)) {
                return;
            }
        }
        enter(t, Phase.RUNNING, null);
    }

    /** An overflowing driver's JVM, once its executors have nodes. */
    private void launchOrFail(Tracked t) {
        t.started = Instant.now();
        launch(t);
    }

    /** Starts the driver's JVM; false (and SUBMISSION_FAILED) when it cannot start. */
    private boolean launch(Tracked t) {
        String name = t.app.getMetadata().getName();
        try {
            List<String> command = new ArrayList<>(launch.command(t.app));
            command.addAll(command.indexOf("-cp"), faults.jvmOptions(t.fate));
            t.process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log(t).toFile()).start();
        } catch (IOException | RuntimeException e) {
            String why = "cannot start the Spark application: " + e.getMessage();
            LOG.warn("{}: {}", name, why);
            record(t, ApplicationState.SUBMISSION_FAILED, LOST, why);
            enter(t, Phase.SUBMISSION_FAILED, why);
            return false;
        }
        LOG.info("application {} (attempt {}, execution {}) started as process {}; log {}", name,
                SparkApplicationBuilder.attemptOf(t.app), t.execution, t.process.pid(), log(t));
        return true;
    }

    /** A zombie's JVM is no longer the application's: it runs on unwatched, and its exit is recorded when it comes. */
    private void leaveRunning(Tracked t) {
        synchronized (zombies) {
            zombies.put(t.process, finishedOf(t, ApplicationState.FAILED, LOST, "zombie driver"));
        }
    }

    private void reapZombies() {
        synchronized (zombies) {
            for (var it = zombies.entrySet().iterator(); it.hasNext(); ) {
                var z = it.next();
                if (!z.getKey().isAlive()) {
                    Finished f = z.getValue();
                    synchronized (this) {
                        finished.add(new Finished(f.application(), f.manifestId(), f.attempt(), f.execution(), f.fate(),
                                f.state(), z.getKey().exitValue(), f.error(), Duration.between(f.started(), Instant.now()),
                                f.started(), Instant.now()));
                    }
                    it.remove();
                }
            }
        }
    }

    private void ended(Tracked t, int exit, String error) {
        t.process = null;
        record(t, exit == 0 ? ApplicationState.COMPLETED : ApplicationState.FAILED, exit, error);
        String name = t.app.getMetadata().getName();
        if (exit == 0) {
            LOG.info("application {} completed in {} s", name, Duration.between(t.started, Instant.now()).toSeconds());
            enter(t, Phase.SUCCEEDING, null);
        } else {
            LOG.warn("application {} failed: {}; log {}", name, error, log(t));
            t.lastError = error;
            t.cause = exit == LOST ? Cause.LOST : Cause.EXIT;
            enter(t, Phase.FAILING, error);
        }
    }

    private synchronized void record(Tracked t, ApplicationState state, int exit, String error) {
        finished.add(finishedOf(t, state, exit, error));
    }

    private static Finished finishedOf(Tracked t, ApplicationState state, int exit, String error) {
        Map<String, String> labels = t.app.getMetadata().getLabels();
        return new Finished(t.app.getMetadata().getName(), labels == null ? null : labels.get(Labels.MANIFEST_ID),
                SparkApplicationBuilder.attemptOf(t.app), t.execution, t.fate, state, exit, error,
                t.started == null ? Duration.ZERO : Duration.between(t.started, Instant.now()), t.started, Instant.now());
    }

    private Duration since(Tracked t) {
        return Duration.between(t.phaseSince, Instant.now());
    }

    private Path log(Tracked t) {
        return logs.resolve(t.app.getMetadata().getName() + "-" + SparkApplicationBuilder.attemptOf(t.app)
                + (t.execution > 1 ? "-" + t.execution : "") + ".log");
    }

    /**
     * Enters {@code phase}: the operator's states for it are written one per look, the first now. Returns whether
     * anything was written (an operator may have no state of its own for a phase).
     */
    private boolean enter(Tracked t, Phase phase, String message) {
        t.phase = phase;
        t.phaseSince = Instant.now();
        t.message = message;
        t.toWrite.clear();
        t.toWrite.addAll(operator.states(phase, t.cause));
        if (t.toWrite.isEmpty()) {
            return false;
        }
        write(t, t.toWrite.removeFirst());
        return true;
    }

    /** Writes one state the way the operator does; a conflict (someone wrote meanwhile) is tried again on the latest. */
    private void write(Tracked t, String state) {
        for (int i = 0; ; i++) {
            try {
                if (operator.write(t.seen, state, t.message, t.execution)) {
                    LOG.info("application {} (attempt {}, execution {}): {}", t.seen.name(),
                            SparkApplicationBuilder.attemptOf(t.app), t.execution, state);
                }
                return; // or deleted, or replaced by a newer attempt: the next look forgets it
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || i >= 5) {
                    throw e;
                }
            }
        }
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

    /** Stops watching and stops every JVM still running, zombies too (their applications stay as they are, like a crash). */
    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Process> processes = new ArrayList<>();
        synchronized (zombies) {
            processes.addAll(zombies.keySet());
        }
        byUid.values().stream().filter(t -> t.process != null).forEach(t -> processes.add(t.process));
        processes.forEach(Process::destroy);
        for (Process p : processes) {
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
        byUid.clear();
        inFlight.set(0);
    }
}
