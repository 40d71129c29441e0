package dev.ndjsonparquet.controller.dispatch;

import dev.ndjsonparquet.controller.aws.ManifestLoader;
import dev.ndjsonparquet.controller.aws.SqsQueue;
import dev.ndjsonparquet.controller.k8s.ApplicationState;
import dev.ndjsonparquet.controller.k8s.EventRecorder;
import dev.ndjsonparquet.controller.k8s.SparkApplication;
import dev.ndjsonparquet.controller.k8s.SparkApplications;
import dev.ndjsonparquet.controller.observability.DispatcherMetrics;
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
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The dispatch loop: reads manifest messages while fewer than {@code maxConcurrentRuns} owned
 * applications are active, runs one SparkApplication per manifest and settles each message by what its
 * application does (see {@code controller/DISPATCHER.md}). One thread; each step observes the cluster
 * once (one list call), decides with {@link StatePolicy} and acts through the adapters. Only the leader
 * steps; a replica that loses the Lease forgets its messages, which the new leader receives again and
 * whose applications it adopts.
 */
public final class Dispatcher implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private static final int MAX_REASON = 8 * 1024;

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

    /** The settings the loop itself uses. */
    public record Limits(int maxConcurrentRuns, int visibilityTimeoutSeconds, int historyLimit, AllowedInputs allowedInputs) {
        public static Limits of(DispatcherSettings s) {
            return new Limits(s.maxConcurrentRuns(), s.visibilityTimeoutSeconds(), s.historyLimit(), s.allowedInputs());
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
    private volatile boolean stopped;
    private volatile Instant heartbeat;
    private Instant lastDepth = Instant.EPOCH;
    private Instant lastHistory = Instant.EPOCH;

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
        Map<String, SparkApplication> owned = new HashMap<>();
        for (SparkApplication a : io.applications().list(builder.ownedSelector())) {
            owned.put(a.getMetadata().getName(), a);
        }
        for (Tracked t : new ArrayList<>(tracked.values())) {
            withContext(t.manifestId, t.applicationName, () -> {
                try {
                    reconcile(t, owned.get(t.applicationName));
                } catch (RuntimeException e) {
                    // One manifest's trouble (an API error, a throttled call) does not hold up the others.
                    LOG.warn("could not look after this manifest now; trying again next step: {}", e.toString());
                }
            });
        }
        int active = activeCount(owned);
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
                handle(m);
            } catch (RuntimeException e) {
                // Kubernetes or SQS failed for this message: it comes back soon; the rest of the batch goes on.
                LOG.warn("could not dispatch message {} now; it comes back in {} s: {}", m.messageId(), retrySoon(), e.toString());
                releaseSoon(m);
            }
        }
    }

    private int activeCount(Map<String, SparkApplication> owned) {
        Set<String> active = new HashSet<>(tracked.keySet());
        owned.forEach((name, app) -> {
            if (!app.state().isTerminal()) {
                active.add(name);
            }
        });
        return active.size();
    }

    // ---- a newly received message -------------------------------------------------------------

    private void handle(SqsQueue.Received m) {
        io.metrics().received();
        Instant now = clock.instant();
        ManifestMessage message;
        Manifest manifest;
        try {
            message = ManifestCodec.decodeMessage(m.body());
            manifest = io.manifests().load(message.manifestUri());
            List<String> problems = new ArrayList<>(consistency(message, manifest));
            problems.addAll(limits.allowedInputs().problems(manifest));
            if (!problems.isEmpty()) {
                throw new InvalidManifestException(problems);
            }
        } catch (InvalidManifestException e) {
            poison(m, String.join("; ", e.problems()));
            return;
        } catch (RuntimeException e) {
            // S3 throttled, network down, access denied: not the message's fault. Look again soon.
            LOG.warn("cannot load the manifest of message {} now; it comes back in {} s: {}", m.messageId(), retrySoon(), e.toString());
            releaseSoon(m);
            return;
        }
        String name = Labels.applicationName(manifest.manifestId());
        Tracked.Delivery delivery = new Tracked.Delivery(m.messageId(), m.receiptHandle(), m.body(),
                now.plusSeconds(limits.visibilityTimeoutSeconds()));
        withContext(manifest.manifestId(), name, () -> {
            Tracked existing = tracked.get(name);
            if (existing != null) {
                LOG.info("message {} is for a manifest already in flight; it is settled together with it", m.messageId());
                existing.deliveredAgain(delivery);
                return;
            }
            var request = new SparkApplicationBuilder.Request(manifest, message.manifestUri(), m.messageId(), 1);
            SparkApplications.Created created = io.applications().createOrAdopt(builder.build(request), Labels.MANIFEST_ID);
            int attempt = SparkApplicationBuilder.attemptOf(created.application());
            if (created.adopted()) {
                io.metrics().adopted();
                LOG.info("adopted existing application (attempt {}, state {})", attempt, created.application().state());
            } else {
                io.metrics().created();
                LOG.info("created application: {} file(s), {} bytes, {} executor(s)", manifest.fileCount(), manifest.totalBytes(),
                        created.application().getSpec().getExecutor().getInstances());
            }
            Tracked t = new Tracked(manifest.manifestId(), name, request, attempt, now);
            t.state = created.application().state();
            t.deliveries.add(delivery);
            tracked.put(name, t);
        });
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

    private void poison(SqsQueue.Received m, String reason) {
        LOG.warn("poison message {} dead-lettered: {}", m.messageId(), reason);
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("cause", "poison");
        attrs.put("reason", truncate(reason));
        attrs.put("sourceMessageId", m.messageId());
        attrs.put("receiveCount", Integer.toString(m.receiveCount()));
        io.deadLetters().send(m.body(), attrs);
        io.queue().delete(m.receiptHandle());
        io.metrics().deadLettered("poison");
    }

    // ---- a manifest in flight -----------------------------------------------------------------

    private void reconcile(Tracked t, SparkApplication app) {
        Instant now = clock.instant();
        if (t.retryAt != null) {
            rerunWhenDue(t, app, now);
            return;
        }
        if (app == null) {
            LOG.warn("application disappeared while its message is pending; creating it again (attempt {})", t.attempt);
            create(t, t.attempt, now);
            keepHidden(t, now);
            return;
        }
        ApplicationState state = app.state();
        if (state != t.state) {
            io.metrics().timeInState(t.state, Duration.between(t.stateSince, now));
            LOG.info("application state {} -> {}", t.state, state);
            t.state = state;
            t.stateSince = now;
        }
        t.attempt = SparkApplicationBuilder.attemptOf(app);
        Action action = policy.decide(new StatePolicy.Observation(state, app.errorMessage(), t.attempt,
                Duration.between(t.stateSince, now), operatorRetriesSubmission(app)));
        if (action instanceof Action.Complete) {
            complete(t);
        } else if (action instanceof Action.Retry r) {
            scheduleRetry(t, app, r, now);
        } else if (action instanceof Action.DeadLetter d) {
            giveUp(t, app, d.reason());
        } else {
            keepHidden(t, now);
        }
    }

    private void complete(Tracked t) {
        for (Tracked.Delivery d : t.deliveries) {
            io.queue().delete(d.receiptHandle);
        }
        tracked.remove(t.applicationName);
        io.metrics().succeeded();
        LOG.info("manifest converted; message deleted after {} attempt(s)", t.attempt);
    }

    private void scheduleRetry(Tracked t, SparkApplication app, Action.Retry r, Instant now) {
        io.metrics().failed();
        t.retryAt = now.plus(r.backoff());
        t.nextAttempt = r.nextAttempt();
        String text = r.reason() + "; attempt " + r.nextAttempt() + " in " + r.backoff().toSeconds() + " s";
        LOG.warn("run failed: {}", text);
        io.events().warning(t.applicationName, app.getMetadata().getUid(), "RunFailed", text);
        keepHidden(t, now);
    }

    private void rerunWhenDue(Tracked t, SparkApplication app, Instant now) {
        if (now.isBefore(t.retryAt)) {
            keepHidden(t, now);
            return;
        }
        if (app != null && SparkApplicationBuilder.attemptOf(app) < t.nextAttempt) {
            // The failed run goes first; the name is free on a later step.
            io.applications().delete(t.applicationName);
            keepHidden(t, now);
            return;
        }
        t.retryAt = null;
        io.metrics().retried();
        create(t, t.nextAttempt, now);
        keepHidden(t, now);
    }

    private void create(Tracked t, int attempt, Instant now) {
        var request = new SparkApplicationBuilder.Request(t.request.manifest(), t.request.manifestUri(),
                t.deliveries.get(0).messageId, attempt);
        SparkApplications.Created c = io.applications().createOrAdopt(builder.build(request), Labels.MANIFEST_ID);
        if (c.adopted()) {
            io.metrics().adopted();
        } else {
            io.metrics().created();
        }
        t.attempt = SparkApplicationBuilder.attemptOf(c.application());
        t.state = c.application().state();
        t.stateSince = now;
        LOG.info("{} application for attempt {}", c.adopted() ? "adopted" : "created", t.attempt);
    }

    private void giveUp(Tracked t, SparkApplication app, String reason) {
        io.metrics().failed();
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("cause", "failed");
        attrs.put("reason", truncate(reason));
        attrs.put("attempts", Integer.toString(t.attempt));
        attrs.put("manifestId", t.manifestId);
        attrs.put("application", t.applicationName);
        attrs.put("sourceMessageId", t.deliveries.get(0).messageId);
        io.deadLetters().send(t.deliveries.get(0).body, attrs);
        for (Tracked.Delivery d : t.deliveries) {
            io.queue().delete(d.receiptHandle);
        }
        tracked.remove(t.applicationName);
        io.metrics().deadLettered("failed");
        LOG.warn("manifest dead-lettered: {}", reason);
        io.events().warning(t.applicationName, app.getMetadata().getUid(), "DeadLettered", reason);
        if (!app.state().isTerminal()) {
            // A stuck application must not start later without a message behind it.
            io.applications().delete(t.applicationName);
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

    private void trimHistory(Map<String, SparkApplication> owned) {
        Instant now = clock.instant();
        if (Duration.between(lastHistory, now).compareTo(timing.historyEvery()) < 0) {
            return;
        }
        lastHistory = now;
        Duration minAge = Duration.ofSeconds(2L * limits.visibilityTimeoutSeconds());
        for (String name : History.toDelete(List.copyOf(owned.values()), tracked.keySet(), limits.historyLimit(), now, minAge)) {
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
        return s.length() <= MAX_REASON ? s : s.substring(0, MAX_REASON) + "...";
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
