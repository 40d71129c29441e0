package dev.ndjsonparquet.controller.dispatch;

import dev.ndjsonparquet.controller.aws.ManifestLoader;
import dev.ndjsonparquet.controller.aws.SqsQueue;
import dev.ndjsonparquet.controller.k8s.ApplicationState;
import dev.ndjsonparquet.controller.k8s.EventRecorder;
import dev.ndjsonparquet.controller.k8s.SparkApplication;
import dev.ndjsonparquet.controller.k8s.SparkApplications;
import dev.ndjsonparquet.controller.observability.DispatcherMetrics;
import dev.ndjsonparquet.conversion.ConversionSettings;
import dev.ndjsonparquet.location.AllowedInputs;
import dev.ndjsonparquet.location.DriverChecks;
import dev.ndjsonparquet.location.TrustedLocations;
import dev.ndjsonparquet.manifest.InvalidManifestException;
import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestCodec;
import dev.ndjsonparquet.manifest.ManifestMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The dispatch loop: reads manifest messages while fewer than {@code maxConcurrentRuns} owned
 * applications are active, runs one SparkApplication per manifest and settles each message by what its
 * application does (see {@code docs/dispatcher.md}). One thread; each step observes the cluster
 * once (one list call), decides with {@link StatePolicy} and acts through the adapters. Only the leader
 * steps; a replica that loses the Lease forgets its messages, which the new leader receives again and
 * whose applications it adopts.
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
     */
    public record Timing(int longPollSeconds, int shortPollSeconds, Duration pause, Duration depthEvery, Duration historyEvery) {
        public static final Timing PRODUCTION = new Timing(20, 5, Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(5));
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

    /** The adapters the loop acts through. */
    public record Adapters(SqsQueue queue, SqsQueue deadLetters, ManifestLoader manifests, SparkApplications applications,
                           EventRecorder events, DispatcherMetrics metrics) {
    }

    private final Adapters io;
    private final Limits limits;
    private final SparkApplicationBuilder builder;
    private final StatePolicy policy;
    private final BooleanSupplier leader;
    private final Clock clock;
    private final Timing timing;
    private final Map<String, Tracked> tracked = new LinkedHashMap<>();
    /** Applications this step created or adopted that its list may not hold (a retry's next attempt). */
    private final Map<String, SparkApplication> createdThisStep = new LinkedHashMap<>();
    private volatile boolean stopped;
    private volatile Instant heartbeat;
    private Instant lastDepth = Instant.EPOCH;
    private Instant lastHistory = Instant.EPOCH;

    /**
     * The dispatcher of these settings: the one assembly that the controller, the local pipeline and the
     * end-to-end tests use, so that a setting added once reaches every path.
     */
    public static Dispatcher of(DispatcherSettings settings, ApplicationTemplate template, String namespace, Adapters io,
                                BooleanSupplier leader, Clock clock, Timing timing) {
        DispatcherSettings.Application app = settings.application();
        return new Dispatcher(io, Limits.of(settings),
                new SparkApplicationBuilder(template, app.sizing(), app.extraArguments(), namespace),
                new StatePolicy(settings.retryPolicy(), settings.stuckTimeout()), leader, clock, timing);
    }

    public Dispatcher(Adapters io, Limits limits, SparkApplicationBuilder builder, StatePolicy policy,
                      BooleanSupplier leader, Clock clock, Timing timing) {
        this.io = io;
        this.limits = limits;
        this.builder = builder;
        this.policy = policy;
        this.leader = leader;
        this.clock = clock;
        this.timing = timing;
        this.heartbeat = clock.instant();
    }

    @Override
    public void run() {
        LOG.info("dispatcher started: at most {} concurrent applications in namespace {}",
                limits.maxConcurrentRuns(), io.applications().namespace());
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
        LOG.info("dispatcher stopped with {} manifest(s) in flight; their messages come back after the visibility timeout",
                tracked.size());
    }

    /** Ends the loop after the current step. Messages in flight are left as they are, like a crash. */
    public void stop() {
        stopped = true;
    }

    /** When the loop last made progress (liveness). */
    public Instant heartbeat() {
        return heartbeat;
    }

    /** One observe-decide-act round. Public for tests that drive the loop by hand. */
    public void step() {
        heartbeat = clock.instant();
        io.metrics().loop();
        if (!leader.getAsBoolean()) {
            io.metrics().leader(false);
            if (!tracked.isEmpty()) {
                LOG.info("not the leader any more: leaving {} manifest(s) to the new leader", tracked.size());
                tracked.clear();
            }
            sleep(timing.pause());
            return;
        }
        io.metrics().leader(true);
        List<SparkApplication> owned = io.applications().list(builder.ownedSelector());
        Map<String, List<SparkApplication>> byManifest = byManifest(owned);
        createdThisStep.clear();
        for (Tracked t : new ArrayList<>(tracked.values())) {
            withContext(t.manifestId, t.applicationName, () -> {
                try {
                    reconcile(t, byManifest.getOrDefault(t.manifestId, List.of()));
                } catch (RuntimeException e) {
                    // One manifest's trouble (an API error, a throttled call) does not hold up the others.
                    LOG.warn("could not look after this manifest now; trying again next step: {}", e.toString());
                }
            });
        }
        // The list is from before this step's retries: their new attempts count too, next to the ones they replace.
        Map<String, SparkApplication> counted = new LinkedHashMap<>();
        owned.forEach(a -> counted.put(a.getMetadata().getName(), a));
        counted.putAll(createdThisStep);
        int active = activeCount(byManifest(new ArrayList<>(counted.values())));
        io.metrics().active(active);
        refreshDepth();
        trimHistory(owned);
        int room = limits.maxConcurrentRuns() - active;
        if (room <= 0) {
            sleep(timing.pause());
            return;
        }
        int wait = tracked.isEmpty() ? timing.longPollSeconds() : timing.shortPollSeconds();
        for (SqsQueue.Received m : io.queue().receive(Math.min(10, room), wait, limits.visibilityTimeoutSeconds())) {
            try (MDC.MDCCloseable c = MDC.putCloseable("messageId", m.messageId())) {
                handle(m, byManifest);
            } catch (RuntimeException e) {
                // Kubernetes or SQS failed for this message: it comes back soon; the rest of the batch goes on.
                LOG.warn("could not dispatch message {} now; it comes back in {} s: {}", m.messageId(), retrySoon(), e.toString());
                releaseSoon(m);
            }
        }
    }

    /** The owned applications by the manifest they convert (every attempt of it). */
    private static Map<String, List<SparkApplication>> byManifest(List<SparkApplication> owned) {
        Map<String, List<SparkApplication>> out = new HashMap<>();
        for (SparkApplication a : owned) {
            Map<String, String> labels = a.getMetadata().getLabels();
            String id = labels == null ? null : labels.get(Labels.MANIFEST_ID);
            if (id != null) {
                out.computeIfAbsent(id, k -> new ArrayList<>()).add(a);
            }
        }
        return out;
    }

    /** The application of a manifest's latest attempt, or null. */
    static SparkApplication latest(List<SparkApplication> apps) {
        SparkApplication best = null;
        for (SparkApplication a : apps) {
            if (best == null || SparkApplicationBuilder.attemptOf(a) > SparkApplicationBuilder.attemptOf(best)) {
                best = a;
            }
        }
        return best;
    }

    static String annotation(SparkApplication app, String key) {
        Map<String, String> a = app.getMetadata().getAnnotations();
        return a == null ? null : a.get(key);
    }

    /** The dispatcher decided to dead-letter this attempt's manifest (durable: an annotation on it). */
    static boolean deadLettered(SparkApplication app) {
        return annotation(app, Labels.DEAD_LETTER_REASON) != null;
    }

    /**
     * Runs that hold a slot of {@code max-concurrent-runs}: every application that may still run, not every
     * manifest. During a retry the previous attempt (suspended, then deleted) can keep its pods next to the
     * new attempt's until spark-operator is done with it, so it counts until it is gone. A manifest in flight
     * with no such application (waiting out a retry's backoff) holds one slot for the run it is about to start.
     */
    private int activeCount(Map<String, List<SparkApplication>> byManifest) {
        int active = 0;
        Set<String> running = new HashSet<>();
        for (Map.Entry<String, List<SparkApplication>> e : byManifest.entrySet()) {
            for (SparkApplication app : e.getValue()) {
                if (!app.state().isTerminal() && !deadLettered(app)) {
                    active++;
                    running.add(e.getKey());
                }
            }
        }
        for (String id : tracked.keySet()) {
            if (!running.contains(id)) {
                active++;
            }
        }
        return active;
    }

    // ---- a newly received message -------------------------------------------------------------

    private void handle(SqsQueue.Received m, Map<String, List<SparkApplication>> byManifest) {
        io.metrics().received();
        Instant now = clock.instant();
        ManifestMessage message;
        Manifest manifest;
        String sha256;
        try {
            message = ManifestCodec.decodeMessage(m.body());
            // Refused before anything is read: the message is untrusted input.
            Optional<String> where = limits.trust().manifestRefusal(message.manifestUri());
            if (where.isPresent()) {
                throw new InvalidManifestException(List.of(where.get()));
            }
            ManifestLoader.Loaded loaded = io.manifests().read(message.manifestUri());
            manifest = loaded.manifest();
            sha256 = loaded.sha256();
            // Poison only for what concerns the whole manifest; a refused file is quarantined by the driver.
            List<String> problems = new ArrayList<>(consistency(message, manifest));
            problems.addAll(limits.trust().problems(manifest));
            if (!problems.isEmpty()) {
                throw new InvalidManifestException(problems);
            }
            reportRefusedFiles(manifest);
        } catch (InvalidManifestException e) {
            poison(m, String.join("; ", e.problems()));
            return;
        } catch (RuntimeException e) {
            // S3 throttled, network down, access denied: not the message's fault. Look again soon.
            LOG.warn("cannot load the manifest of message {} now; it comes back in {} s: {}", m.messageId(), retrySoon(), e.toString());
            releaseSoon(m);
            return;
        }
        Tracked.Delivery delivery = new Tracked.Delivery(m.messageId(), m.receiptHandle(), m.body(),
                now.plusSeconds(limits.visibilityTimeoutSeconds()));
        withContext(manifest.manifestId(), Labels.applicationName(manifest.manifestId()), () -> {
            Tracked existing = tracked.get(manifest.manifestId());
            if (existing != null) {
                LOG.info("message {} is for a manifest already in flight; it is settled together with it", m.messageId());
                existing.deliveredAgain(delivery);
                return;
            }
            Tracked t = new Tracked(manifest.manifestId(),
                    new SparkApplicationBuilder.Request(manifest, message.manifestUri(), m.messageId(), 1)
                            .checkedBy(new DriverChecks(sha256, limits.trust())), now);
            t.deliveries.add(delivery);
            SparkApplication latest = latest(byManifest.getOrDefault(manifest.manifestId(), List.of()));
            if (latest != null) {
                // Read again: this step may have settled the manifest since the list (dead-lettered it, say).
                latest = io.applications().get(latest.getMetadata().getName()).orElse(null);
            }
            if (latest == null) {
                create(t, 1, 1, now);
            } else if (deadLettered(latest)) {
                if (redriven(m) && !m.messageId().equals(annotation(latest, Labels.MESSAGE_ID))) {
                    int next = SparkApplicationBuilder.attemptOf(latest) + 1;
                    LOG.info("redriven dead letter: a new round of attempts starts at attempt {}", next);
                    create(t, next, next, now);
                } else {
                    // Dead-lettered already (a duplicate delivery, or a dead-lettering that a crash cut short):
                    // the next step finishes it, sending no second dead letter once one was sent.
                    adopt(t, latest, now);
                }
            } else {
                adopt(t, latest, now);
                io.metrics().adopted();
                LOG.info("adopted existing application {} (attempt {}, state {})", t.applicationName, t.attempt, t.state);
            }
            tracked.put(t.manifestId, t);
        });
    }

    /** A dead letter an operator moved back: it carries the attributes the dispatcher gave it. */
    private static boolean redriven(SqsQueue.Received m) {
        return m.attributes().containsKey("cause");
    }

    private void adopt(Tracked t, SparkApplication app, Instant now) {
        t.applicationName = app.getMetadata().getName();
        t.attempt = SparkApplicationBuilder.attemptOf(app);
        t.firstAttempt = SparkApplicationBuilder.firstAttemptOf(app);
        t.state = app.state();
        t.stateSince = now;
    }

    /** The message must describe the manifest it points to. */
    private static List<String> consistency(ManifestMessage message, Manifest manifest) {
        List<String> problems = new ArrayList<>();
        if (!message.manifestId().equals(manifest.manifestId())) {
            problems.add("message names manifest " + message.manifestId() + " but " + message.manifestUri()
                    + " holds manifest " + manifest.manifestId());
        }
        if (message.fileCount() != manifest.fileCount() || message.totalBytes() != manifest.totalBytes()) {
            problems.add("message says " + message.fileCount() + " file(s), " + message.totalBytes() + " bytes; the manifest has "
                    + manifest.fileCount() + " file(s), " + manifest.totalBytes() + " bytes");
        }
        return problems;
    }

    /** Files the allow-lists refuse do not make the manifest poison: its driver quarantines them and converts the rest. */
    private void reportRefusedFiles(Manifest manifest) {
        Map<Integer, String> refused = limits.trust().refusedFiles(manifest);
        if (!refused.isEmpty()) {
            io.metrics().filesRefused(refused.size());
            LOG.warn("{} of {} file(s) of manifest {} are refused; its Spark application quarantines them and converts the rest: {}",
                    refused.size(), manifest.fileCount(), manifest.manifestId(), truncate(String.join("; ", refused.values())));
        }
    }

    private void poison(SqsQueue.Received m, String reason) {
        LOG.warn("poison message {} dead-lettered: {}", m.messageId(), reason);
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("cause", "poison");
        attrs.put("reason", truncate(reason));
        attrs.put("sourceMessageId", m.messageId());
        attrs.put("receiveCount", Integer.toString(m.receiveCount()));
        attrs.put("deadLetterKey", "poison/" + m.messageId());
        ensureLeader();
        io.deadLetters().send(m.body(), attrs);
        io.queue().delete(m.receiptHandle());
        io.metrics().deadLettered("poison");
    }

    // ---- a manifest in flight -----------------------------------------------------------------

    private void reconcile(Tracked t, List<SparkApplication> apps) {
        Instant now = clock.instant();
        SparkApplication app = latest(apps);
        // Earlier attempts go once a later one exists (a retry creates the next before it deletes the last).
        for (SparkApplication older : apps) {
            if (older != app) {
                ensureLeader();
                LOG.info("deleting application {} of a superseded attempt", older.getMetadata().getName());
                io.applications().delete(older.getMetadata().getName());
            }
        }
        if (t.retryAt != null) {
            if (app != null && SparkApplicationBuilder.attemptOf(app) >= t.nextAttempt) {
                t.retryAt = null; // the retry's application exists (its create may have failed after taking effect)
                io.metrics().retried();
            } else {
                rerunWhenDue(t, app, now);
                return;
            }
        }
        if (app == null) {
            LOG.warn("application disappeared while its message is pending; creating it again (attempt {})", t.attempt);
            create(t, t.attempt, t.firstAttempt, now);
            keepHidden(t, now);
            return;
        }
        if (deadLettered(app)) {
            finishDeadLetter(t, app);
            return;
        }
        t.applicationName = app.getMetadata().getName();
        t.attempt = SparkApplicationBuilder.attemptOf(app);
        t.firstAttempt = Math.min(t.attempt, SparkApplicationBuilder.firstAttemptOf(app));
        ApplicationState state = app.state();
        if (state != t.state) {
            io.metrics().timeInState(t.state, Duration.between(t.stateSince, now));
            LOG.info("application state {} -> {}", t.state, state);
            t.state = state;
            t.stateSince = now;
        }
        Instant started = SparkApplicationBuilder.startedAt(app);
        Duration runTime = started == null ? Duration.between(t.stateSince, now) : Duration.between(started, now);
        Action action = policy.decide(new StatePolicy.Observation(state, app.errorMessage(), t.attempt - t.firstAttempt + 1,
                Duration.between(t.stateSince, now), operatorRetriesSubmission(app), runTime,
                limits.runLimit().forBytes(t.request.manifest().totalBytes())));
        if (action instanceof Action.Complete) {
            complete(t, app, now);
        } else if (action instanceof Action.Retry r) {
            Optional<String> changed = changedSinceChecked(t);
            if (changed.isPresent()) {
                decideDeadLetter(t, app, r.reason() + "; not retried: " + changed.get());
            } else {
                scheduleRetry(t, app, r, now);
            }
        } else if (action instanceof Action.DeadLetter d) {
            decideDeadLetter(t, app, d.reason());
        } else {
            keepHidden(t, now);
        }
    }

    private void complete(Tracked t, SparkApplication app, Instant now) {
        deleteDeliveries(t);
        tracked.remove(t.manifestId);
        io.metrics().succeeded();
        RunUsage usage = RunUsage.of(app, now, DriverConversionSettings.resolve(app)
                .get(ConversionSettings.EXECUTOR_CORE_HOUR_PRICE_USD));
        io.metrics().runUsage(usage.executorCoreSeconds(), usage.costUsd(), t.request.manifest().totalBytes());
        LOG.info("manifest converted; message deleted after {} attempt(s); {} executor core-seconds, about {} USD",
                t.attempt, Math.round(usage.executorCoreSeconds()), String.format(java.util.Locale.ROOT, "%.4f", usage.costUsd()));
    }

    /**
     * Every attempt's driver refuses a manifest whose bytes are not the ones checked (it is pinned by their
     * SHA-256), so a retry of a manifest changed (or removed) since would fail the same way: read it again before
     * retrying, and dead-letter it at once when it changed. A read that fails (S3 down) throws: the next step decides again.
     */
    private Optional<String> changedSinceChecked(Tracked t) {
        DriverChecks checks = t.request.checks();
        if (checks == null || checks.manifestSha256() == null) {
            return Optional.empty();
        }
        try {
            String now = io.manifests().read(t.request.manifestUri()).sha256();
            return checks.manifestSha256().equals(now) ? Optional.empty()
                    : Optional.of("manifest " + t.request.manifestUri() + " changed after the dispatcher checked it (sha256 "
                            + checks.manifestSha256() + ", now " + now + "), and its driver refuses it");
        } catch (InvalidManifestException e) {
            return Optional.of("manifest " + t.request.manifestUri() + " cannot be read as checked any more: "
                    + String.join("; ", e.problems()));
        }
    }

    private void scheduleRetry(Tracked t, SparkApplication app, Action.Retry r, Instant now) {
        io.metrics().failed();
        t.retryAt = now.plus(r.backoff());
        t.nextAttempt = t.attempt + 1;
        String text = r.reason() + "; attempt " + t.nextAttempt + " in " + r.backoff().toSeconds() + " s";
        LOG.warn("run failed: {}", text);
        io.events().warning(t.applicationName, app.getMetadata().getUid(), "RunFailed", text);
        keepHidden(t, now);
    }

    /**
     * After the backoff: create the next attempt's application, then delete the failed one. In this
     * order the attempt count is on a resource at every moment. A previous attempt that may still run
     * (timed out, stuck, unknown) is suspended first, so spark-operator removes its pods before the next
     * attempt starts and the run cap holds; its driver, if it lives on a lost node, is fenced by
     * {@code --attempt} in the Spark application.
     */
    private void rerunWhenDue(Tracked t, SparkApplication app, Instant now) {
        if (now.isBefore(t.retryAt)) {
            keepHidden(t, now);
            return;
        }
        if (app != null && !app.state().isTerminal() && !app.suspendRequested()
                && SparkApplicationBuilder.attemptOf(app) < t.nextAttempt) {
            ensureLeader();
            io.applications().annotate(app.getMetadata().getName(), Map.of(), true);
        }
        create(t, t.nextAttempt, t.firstAttempt, now);
        t.retryAt = null;
        io.metrics().retried(); // once the next attempt exists: a suspend that failed after taking effect is not a retry
        if (app != null && !app.getMetadata().getName().equals(t.applicationName)) {
            ensureLeader();
            io.applications().delete(app.getMetadata().getName());
        }
        keepHidden(t, now);
    }

    private void create(Tracked t, int attempt, int firstAttempt, Instant now) {
        ensureLeader();
        var request = t.request.attempt(attempt, firstAttempt, now, t.firstMessageId());
        SparkApplications.Created c = io.applications().createOrAdopt(builder.build(request), Labels.MANIFEST_ID);
        createdThisStep.put(c.application().getMetadata().getName(), c.application());
        if (c.adopted()) {
            io.metrics().adopted();
        } else {
            io.metrics().created();
        }
        adopt(t, c.application(), now);
        LOG.info("{} application {} for attempt {}: {} file(s), {} bytes", c.adopted() ? "adopted" : "created",
                t.applicationName, t.attempt, t.request.manifest().fileCount(), t.request.manifest().totalBytes());
    }

    /**
     * Records the decision on the application first (durable, idempotent), then sends the dead letter.
     * An application that may still run (not terminal, or SUBMISSION_FAILED with a driver that did
     * start) is suspended in the same patch: spark-operator then deletes its pods, so it cannot go on
     * converting without a message behind it.
     */
    private void decideDeadLetter(Tracked t, SparkApplication app, String reason) {
        io.metrics().failed();
        boolean stop = !app.state().isTerminal() || app.state() == ApplicationState.SUBMISSION_FAILED;
        ensureLeader();
        SparkApplication marked = io.applications().annotate(t.applicationName,
                Map.of(Labels.DEAD_LETTER_REASON, truncate(reason, MAX_ANNOTATION)), stop);
        finishDeadLetter(t, marked == null ? app : marked);
    }

    /** Sends the dead letter unless it was sent already, then settles every delivery. */
    private void finishDeadLetter(Tracked t, SparkApplication app) {
        String reason = annotation(app, Labels.DEAD_LETTER_REASON);
        String name = app.getMetadata().getName();
        if (annotation(app, Labels.DEAD_LETTER_SENT) == null) {
            int first = SparkApplicationBuilder.firstAttemptOf(app);
            Map<String, String> attrs = new LinkedHashMap<>();
            attrs.put("cause", "failed");
            attrs.put("reason", truncate(reason, MAX_REASON));
            attrs.put("attempts", Integer.toString(SparkApplicationBuilder.attemptOf(app) - Math.min(first, SparkApplicationBuilder.attemptOf(app)) + 1));
            attrs.put("manifestId", t.manifestId);
            attrs.put("application", name);
            attrs.put("sourceMessageId", t.firstMessageId());
            // The same for every copy: a send that failed after taking effect is sent again (SQS standard
            // queues have no idempotent send), and whoever reads the dead letters drops copies by this key.
            attrs.put("deadLetterKey", t.manifestId + "/attempt-" + SparkApplicationBuilder.attemptOf(app));
            ensureLeader();
            io.deadLetters().send(t.deliveries.get(0).body, attrs);
            io.applications().annotate(name, Map.of(Labels.DEAD_LETTER_SENT, clock.instant().toString()), false);
            io.metrics().deadLettered("failed");
            LOG.warn("manifest dead-lettered: {}", reason);
            io.events().warning(name, app.getMetadata().getUid(), "DeadLettered", reason);
        } else {
            LOG.info("manifest dead-lettered already; settling {} more message(s) without another dead letter", t.deliveries.size());
        }
        deleteDeliveries(t);
        tracked.remove(t.manifestId);
    }

    /** Deletes each delivery's message, forgetting each once deleted (a failed delete is tried again next step). */
    private void deleteDeliveries(Tracked t) {
        ensureLeader();
        var it = t.deliveries.iterator();
        while (it.hasNext()) {
            Tracked.Delivery d = it.next();
            io.queue().delete(d.receiptHandle);
            it.remove();
        }
    }

    private void keepHidden(Tracked t, Instant now) {
        int visibility = limits.visibilityTimeoutSeconds();
        for (Tracked.Delivery d : t.deliveries) {
            if (!now.isBefore(d.visibleUntil.minusSeconds(visibility / 2))) {
                io.queue().extendVisibility(d.receiptHandle, visibility);
                d.visibleUntil = now.plusSeconds(visibility);
            }
        }
    }

    /** Checked before every write: a replica that lost the Lease mid-step stops writing. */
    private void ensureLeader() {
        if (!leader.getAsBoolean()) {
            throw new IllegalStateException("not the leader any more; leaving the rest of this step to the new leader");
        }
    }

    /** spark-operator still retries a failed submission by itself (its restartPolicy allows more). */
    @SuppressWarnings("unchecked")
    static boolean operatorRetriesSubmission(SparkApplication app) {
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

    // ---- housekeeping -------------------------------------------------------------------------

    private void refreshDepth() {
        Instant now = clock.instant();
        if (Duration.between(lastDepth, now).compareTo(timing.depthEvery()) >= 0) {
            lastDepth = now;
            io.queue().approximateDepth().ifPresent(io.metrics()::queueDepth);
        }
    }

    private void trimHistory(List<SparkApplication> owned) {
        Instant now = clock.instant();
        if (Duration.between(lastHistory, now).compareTo(timing.historyEvery()) < 0) {
            return;
        }
        lastHistory = now;
        Duration minAge = Duration.ofSeconds(2L * limits.visibilityTimeoutSeconds());
        Set<String> pending = new HashSet<>();
        for (SparkApplication a : owned) {
            Map<String, String> labels = a.getMetadata().getLabels();
            if (labels != null && tracked.containsKey(labels.get(Labels.MANIFEST_ID))) {
                pending.add(a.getMetadata().getName());
            }
        }
        for (String name : History.toDelete(owned, pending, limits.historyLimit(), now, minAge)) {
            LOG.info("deleting finished application {} beyond the history limit of {}", name, limits.historyLimit());
            io.applications().delete(name);
        }
    }

    private void releaseSoon(SqsQueue.Received m) {
        try {
            io.queue().extendVisibility(m.receiptHandle(), retrySoon());
        } catch (RuntimeException e) {
            LOG.warn("could not shorten the visibility of message {}: {}", m.messageId(), e.toString());
        }
    }

    private int retrySoon() {
        return Math.min(30, limits.visibilityTimeoutSeconds());
    }

    private static String truncate(String s) {
        return truncate(s, MAX_REASON);
    }

    private static String truncate(String s, int max) {
        if (s == null) {
            return "";
        }
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }

    private static void withContext(String manifestId, String application, Runnable work) {
        try (MDC.MDCCloseable a = MDC.putCloseable("manifestId", manifestId);
             MDC.MDCCloseable b = MDC.putCloseable("application", application)) {
            work.run();
        }
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
