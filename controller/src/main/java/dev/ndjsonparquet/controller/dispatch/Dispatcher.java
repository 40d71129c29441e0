package dev.ndjsonparquet.controller.dispatch;

import dev.ndjsonparquet.controller.aws.AttemptMarkerReader;
import dev.ndjsonparquet.controller.aws.ManifestLoader;
import dev.ndjsonparquet.controller.aws.SqsQueue;
import dev.ndjsonparquet.controller.dispatch.Dependencies.Calls;
import dev.ndjsonparquet.controller.dispatch.Dependencies.Service;
import dev.ndjsonparquet.controller.k8s.EventRecorder;
import dev.ndjsonparquet.controller.k8s.SparkApplications;
import dev.ndjsonparquet.controller.observability.DispatcherMetrics;
import dev.ndjsonparquet.location.AllowedInputs;
import dev.ndjsonparquet.location.TrustedLocations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The dispatch loop: reads manifest messages while fewer than {@code maxConcurrentRuns} runs are active, runs one
 * application per manifest attempt through the operator ({@link SparkOperator}) and settles each message by what its
 * run does ({@code docs/dispatcher.md}). One thread; each step keeps the held messages hidden, observes the runs once
 * (one list call), looks after each manifest in flight ({@link Reconciler}), retries the messages whose manifest could
 * not be read yet, keeps house, and receives while there is room and no dependency fails ({@link Dependencies}).
 * A received message is checked ({@link Intake}) and dead-lettered as poison ({@link DeadLetters}) or followed. Only
 * the leader steps; a replica that loses the Lease forgets its messages, which the new leader receives again and
 * whose runs it adopts.
 */
public final class Dispatcher implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private static final int MAX_REASON = 8 * 1024;
    /** Kubernetes allows 256 KiB of annotations in all; a reason is cut well below that. */
    private static final int MAX_ANNOTATION = 4 * 1024;

    /**
     * @param longPollSeconds  receive wait when nothing is in flight (SQS long polling, at most 20)
     * @param shortPollSeconds receive wait while applications are in flight (they are looked at between polls)
     * @param pause            pause when no message may be read (full, or not the leader) or after an error
     * @param depthEvery       how often the queue depth gauge is refreshed
     * @param historyEvery     how often finished applications beyond the history limit are trimmed
     * @param dependencyBackoffMax the longest wait before a failing call to Kubernetes, S3 or SQS is tried again (the
     *                         wait doubles from {@code pause})
     */
    public record Timing(int longPollSeconds, int shortPollSeconds, Duration pause, Duration depthEvery, Duration historyEvery,
                         Duration dependencyBackoffMax) {
        public static final Timing PRODUCTION = new Timing(20, 5, Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(5),
                Duration.ofMinutes(1));

        /** With the dependency back-off capped at twelve pauses. */
        public Timing(int longPollSeconds, int shortPollSeconds, Duration pause, Duration depthEvery, Duration historyEvery) {
            this(longPollSeconds, shortPollSeconds, pause, depthEvery, historyEvery, pause.multipliedBy(12));
        }
    }

    /**
     * The settings the loop itself uses.
     *
     * @param trust    where manifests, their files, outputs and schemas may be
     * @param runLimit how long an attempt may run
     */
    public record Limits(int maxConcurrentRuns, int visibilityTimeoutSeconds, int historyLimit, TrustedLocations trust,
                         RunTimeLimit runLimit) {
        /** Only the inputs checked and no run-time limit: for assemblies that configure neither (local runs, tests). */
        public Limits(int maxConcurrentRuns, int visibilityTimeoutSeconds, int historyLimit, AllowedInputs allowedInputs) {
            this(maxConcurrentRuns, visibilityTimeoutSeconds, historyLimit, TrustedLocations.inputsOnly(allowedInputs), RunTimeLimit.NONE);
        }

        public static Limits of(DispatcherSettings s) {
            return new Limits(s.maxConcurrentRuns(), s.visibilityTimeoutSeconds(), s.historyLimit(), s.trust(), s.runLimit());
        }

        public AllowedInputs allowedInputs() {
            return trust.inputs();
        }
    }

    /** The adapters an assembly has: kubeflow spark-operator's applications and Events ({@link #of}). */
    public record Adapters(SqsQueue queue, SqsQueue deadLetters, ManifestLoader manifests, SparkApplications applications,
                           EventRecorder events, DispatcherMetrics metrics) {
    }

    /**
     * What the loop acts through: the manifest and dead-letter queues, the manifests and the attempt markers in the
     * store, the operator, the metrics.
     */
    public record Ports(SqsQueue queue, SqsQueue deadLetters, ManifestLoader manifests, AttemptMarkerReader markers,
                        SparkOperator operator, DispatcherMetrics metrics) {
    }

    private final Ports io;
    private final Limits limits;
    private final Timing timing;
    private final Clock clock;
    private final LeaderCheck leader;
    private final Dependencies dependencies;
    private final InFlight held;
    private final Intake intake;
    private final DeadLetters deadLetters;
    private final Reconciler reconciler;
    private final Housekeeping housekeeping;
    private volatile boolean stopped;
    private volatile Instant heartbeat;
    private Optional<String> lastWaiting = Optional.empty();

    /**
     * The dispatcher of these settings: the one assembly that the controller, the local pipeline and the
     * end-to-end tests use, so that a setting added once reaches every path.
     */
    public static Dispatcher of(DispatcherSettings settings, ApplicationTemplate template, String namespace, Adapters io,
                                BooleanSupplier leader, Clock clock, Timing timing) {
        DispatcherSettings.Application app = settings.application();
        SparkOperator operator = app.operator().create(app, template, namespace, io.applications(), io.events());
        return new Dispatcher(new Ports(io.queue(), io.deadLetters(), io.manifests(), AttemptMarkerReader.sharingClientOf(io.manifests()),
                operator, io.metrics()), Limits.of(settings),
                new StatePolicy(settings.retryPolicy(), settings.stuckTimeout()), leader, clock, timing);
    }

    public Dispatcher(Ports io, Limits limits, StatePolicy policy, BooleanSupplier leader, Clock clock, Timing timing) {
        this.io = io;
        this.limits = limits;
        this.timing = timing;
        this.clock = clock;
        this.leader = new LeaderCheck(leader);
        this.dependencies = new Dependencies(Clock.systemUTC(), timing.pause(), timing.dependencyBackoffMax());
        this.held = new InFlight(io.queue(), dependencies, this.leader, limits.visibilityTimeoutSeconds());
        this.intake = new Intake(limits.trust(), io.manifests(), dependencies);
        this.deadLetters = new DeadLetters(io.queue(), io.deadLetters(), io.operator(), held, dependencies, this.leader, io.metrics(), clock);
        this.reconciler = new Reconciler(io.operator(), policy, new AttemptNumbers(io.markers(), dependencies), deadLetters, held,
                dependencies, this.leader, io.metrics(), limits.runLimit(), io.manifests(), limits.trust());
        this.housekeeping = new Housekeeping(io.queue(), io.operator(), deadLetters, dependencies, this.leader, io.metrics(), limits, timing);
        this.heartbeat = clock.instant();
    }

    @Override
    public void run() {
        LOG.info("dispatcher started: at most {} concurrent applications of {} in namespace {}",
                limits.maxConcurrentRuns(), io.operator().describe(), io.operator().namespace());
        if (!limits.trust().checksEverything()) {
            LOG.warn("manifest, output and schema locations are not checked by this assembly (only the inputs are)");
        }
        while (!stopped) {
            try {
                step();
            } catch (RuntimeException e) {
                // The message(s) stay hidden or become visible again; the next step looks again.
                LOG.warn("dispatcher step failed; trying again in {}: {}", timing.pause(), e.toString());
                sleep(timing.pause());
            }
        }
        LOG.info("dispatcher stopped with {} message(s) in flight; they come back after the visibility timeout", held.size());
    }

    /** Ends the loop after the current step. Messages in flight are left as they are, like a crash. */
    public void stop() {
        stopped = true;
    }

    /** When the loop last made progress (liveness). */
    public Instant heartbeat() {
        return heartbeat;
    }

    /**
     * What the dispatcher is waiting on (Kubernetes, S3 or SQS failing, with the call and the error), for
     * {@code /readyz}; empty when nothing fails. Safe to call from another thread.
     */
    public Optional<String> waitingOn() {
        return dependencies.waitingOn();
    }

    /** One observe-decide-act round. Public for tests that drive the loop by hand. */
    public void step() {
        Instant now = clock.instant();
        heartbeat = now;
        io.metrics().loop();
        if (!leader.leads()) {
            io.metrics().leader(false);
            if (held.size() > 0) {
                LOG.info("not the leader any more: leaving {} message(s) to the new leader", held.size());
                held.forgetAll();
            }
            dependencies.reset();
            report();
            sleep(timing.pause());
            return;
        }
        io.metrics().leader(true);
        held.keepHidden(now);
        OwnedRuns runs = observe();
        if (runs != null) {
            for (Tracked t : held.manifests()) {
                lookAfter(t, () -> reconciler.reconcile(t, runs, now));
            }
            for (InFlight.Arrival a : held.arrivals()) {
                admit(a, runs, now);
            }
            housekeeping.afterStep(runs, held, now);
            io.metrics().active(RunCap.active(runs, held));
        }
        housekeeping.refreshDepth(now);
        report();
        if (runs == null || dependencies.blockIntake()) {
            sleep(timing.pause()); // the held messages stay hidden; nothing new is received until the dependency answers
            return;
        }
        int room = limits.maxConcurrentRuns() - RunCap.active(runs, held);
        if (room <= 0) {
            sleep(timing.pause());
            return;
        }
        int wait = held.size() == 0 ? timing.longPollSeconds() : timing.shortPollSeconds();
        List<SqsQueue.Received> received;
        try {
            received = dependencies.call(Service.SQS, Calls.RECEIVE,
                    () -> io.queue().receive(Math.min(10, room), wait, limits.visibilityTimeoutSeconds()));
        } catch (Dependencies.Unavailable e) {
            sleep(timing.pause());
            return;
        }
        // The receive may have waited (long polling): look at the runs again, so a message is judged by what is there
        // now (a run deleted or decided meanwhile), not by what was there before the wait.
        OwnedRuns current = received.isEmpty() ? runs : observe();
        Instant at = clock.instant();
        for (SqsQueue.Received m : received) {
            io.metrics().received();
            InFlight.Arrival a = held.hold(m, at);
            if (current != null) {
                admit(a, current, at);
            }
        }
    }

    /** This dispatcher's runs, or null when Kubernetes does not answer (then only the held messages are looked after). */
    private OwnedRuns observe() {
        try {
            return new OwnedRuns(dependencies.call(Service.KUBERNETES, Calls.LIST, io.operator()::list));
        } catch (Dependencies.Unavailable e) {
            return null;
        }
    }

    /**
     * A held message: checked, then dead-lettered as poison or followed. A dependency that fails keeps it held (and
     * hidden) to be tried again; anything else (a bug) lets it come back soon, spending a receive, so that the redrive
     * policy moves a message that always fails.
     */
    private void admit(InFlight.Arrival a, OwnedRuns runs, Instant now) {
        try (MDC.MDCCloseable c = MDC.putCloseable("messageId", a.message().messageId())) {
            Intake.Verdict verdict = intake.check(a.message());
            if (verdict instanceof Intake.Verdict.Refused r) {
                deadLetters.poison(a.message(), r.reason());
                held.drop(a);
            } else if (verdict instanceof Intake.Verdict.Admitted ok) {
                held.drop(a);
                reportRefusedFiles(ok);
                Tracked t = reconciler.admit(a.delivery(), a.message(), ok, runs, now);
                if (t != null) {
                    lookAfter(t, () -> reconciler.reconcile(t, runs, now));
                }
            }
        } catch (LeaderCheck.Lost e) {
            throw e;
        } catch (Dependencies.Unavailable e) {
            LOG.debug("message {} waits in flight: {}", a.message().messageId(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("could not dispatch message {} now; it comes back soon: {}", a.message().messageId(), e.toString());
            held.releaseSoon(a);
        }
    }

    /** Files the allow-lists refuse do not make the manifest poison: its driver quarantines them and converts the rest. */
    private void reportRefusedFiles(Intake.Verdict.Admitted ok) {
        if (!ok.refusedFiles().isEmpty()) {
            io.metrics().filesRefused(ok.refusedFiles().size());
            LOG.warn("{} of {} file(s) of manifest {} are refused; its Spark application quarantines them and converts the rest: {}",
                    ok.refusedFiles().size(), ok.manifest().fileCount(), ok.manifest().manifestId(),
                    DeadLetters.truncate(String.join("; ", ok.refusedFiles().values()), 2_000));
        }
    }

    /** One manifest's step: its trouble does not hold up the others. */
    private void lookAfter(Tracked t, Runnable work) {
        try (MDC.MDCCloseable a = MDC.putCloseable("manifestId", t.manifestId);
             MDC.MDCCloseable b = MDC.putCloseable("application", t.applicationName == null
                     ? Labels.applicationName(t.manifestId) : t.applicationName)) {
            work.run();
            t.troubled = false;
        } catch (LeaderCheck.Lost e) {
            throw e;
        } catch (Dependencies.Unavailable e) {
            t.troubled = false; // not the manifest's fault: its message stays hidden while it waits
            LOG.debug("manifest {} waits: {}", t.manifestId, e.getMessage());
        } catch (RuntimeException e) {
            t.troubled = true;
            LOG.warn("could not look after manifest {} now; its message is no longer kept hidden: {}", t.manifestId, e.toString());
        }
    }

    /** Says in the metrics, and once in the log per change, which dependency the dispatcher waits on. */
    private void report() {
        var failing = dependencies.failing();
        for (Service s : Service.values()) {
            io.metrics().waitingOn(s.label(), failing.contains(s));
        }
        Optional<String> waiting = dependencies.waitingOn();
        if (waiting.isPresent() != lastWaiting.isPresent()) {
            if (waiting.isPresent()) {
                LOG.warn("dispatcher {}; messages in flight are kept hidden, none is received", waiting.get());
            } else {
                LOG.info("dependencies answer again; receiving");
            }
        }
        lastWaiting = waiting;
    }

    private void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = true;
        }
    }
}
