package dev.ndjsonparquet.controller.dispatch;

import dev.ndjsonparquet.capacity.CapacityType;
import dev.ndjsonparquet.controller.aws.ManifestLoader;
import dev.ndjsonparquet.controller.aws.SqsQueue;
import dev.ndjsonparquet.controller.dispatch.Dependencies.Calls;
import dev.ndjsonparquet.controller.dispatch.Dependencies.Service;
import dev.ndjsonparquet.controller.observability.DispatcherMetrics;
import dev.ndjsonparquet.location.DriverChecks;
import dev.ndjsonparquet.location.TrustedLocations;
import dev.ndjsonparquet.manifest.InvalidManifestException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A manifest in flight ({@code docs/dispatcher.md}, life-cycle): an admitted message starts following its manifest
 * (a first run, adoption of the one that exists, a new round for a redriven dead letter); then, each step, superseded
 * attempts are deleted, a due retry or a missing run is created, and the latest run's state is decided by the
 * {@link StatePolicy}: wait, complete, retry after a back-off, or dead-letter. Written against {@link SparkOperator}
 * and {@link Run} only, so it is the same for every operator.
 */
final class Reconciler {

    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

    private final SparkOperator operator;
    private final StatePolicy policy;
    private final AttemptNumbers attempts;
    private final DeadLetters deadLetters;
    private final InFlight held;
    private final Dependencies dependencies;
    private final LeaderCheck leader;
    private final DispatcherMetrics metrics;
    private final RunTimeLimit runLimit;
    private final ManifestLoader manifests;
    private final TrustedLocations trust;

    Reconciler(SparkOperator operator, StatePolicy policy, AttemptNumbers attempts, DeadLetters deadLetters, InFlight held,
               Dependencies dependencies, LeaderCheck leader, DispatcherMetrics metrics, RunTimeLimit runLimit,
               ManifestLoader manifests, TrustedLocations trust) {
        this.operator = operator;
        this.policy = policy;
        this.attempts = attempts;
        this.deadLetters = deadLetters;
        this.held = held;
        this.dependencies = dependencies;
        this.leader = leader;
        this.metrics = metrics;
        this.runLimit = runLimit;
        this.manifests = manifests;
        this.trust = trust;
    }

    // ---- an admitted message ------------------------------------------------------------------

    /**
     * Starts following the manifest of an admitted message, or joins the one already in flight (a second message for
     * a manifest in flight is settled with the first). Returns the manifest to reconcile now, or null.
     */
    Tracked admit(Tracked.Delivery delivery, SqsQueue.Received m, Intake.Verdict.Admitted admitted, OwnedRuns runs, Instant now) {
        String id = admitted.manifest().manifestId();
        Tracked existing = held.manifest(id);
        if (existing != null) {
            LOG.info("message {} is for a manifest already in flight; it is settled together with it", m.messageId());
            existing.deliveredAgain(delivery);
            return null;
        }
        Tracked t = new Tracked(id, new SparkApplicationBuilder.Request(admitted.manifest(), admitted.message().manifestUri(),
                m.messageId(), 1).checkedBy(new DriverChecks(admitted.sha256(), trust)), now);
        t.deliveries.add(delivery);
        Run latest = runs.latest(id);
        if (latest != null && latest.deadLettered()) {
            if (redriven(m) && !m.messageId().equals(latest.messageId())) {
                LOG.info("redriven dead letter: a new round of attempts starts after attempt {}", latest.attempt());
                t.newRoundAbove = latest.attempt();
            } else {
                // Dead-lettered already (a duplicate delivery, or a dead-lettering that a crash cut short):
                // reconciling finishes it, sending no second dead letter once one was sent.
                follow(t, latest, now);
            }
        } else if (latest != null) {
            follow(t, latest, now);
            metrics.adopted();
            LOG.info("adopted existing application {} (attempt {}, state {})", t.applicationName, t.attempt, t.operatorState);
        }
        held.track(t);
        return t;
    }

    /** A dead letter an operator moved back: it carries the attributes the dispatcher gave it. */
    private static boolean redriven(SqsQueue.Received m) {
        return m.attributes().containsKey("cause");
    }

    // ---- each step ------------------------------------------------------------------------------

    void reconcile(Tracked t, OwnedRuns runs, Instant now) {
        Run latest = runs.latest(t.manifestId);
        // Earlier attempts go once a later one exists (a retry creates the next before it deletes the last). One
        // that cannot be deleted now does not hold up the latest: it is stopped or finished, and tried again later.
        for (Run older : runs.of(t.manifestId)) {
            if (older != latest) {
                LOG.info("deleting application {} of a superseded attempt", older.name());
                leader.ensure();
                try {
                    dependencies.call(Service.KUBERNETES, Calls.DELETE, () -> operator.delete(older.name()));
                } catch (Dependencies.Unavailable e) {
                    LOG.debug("superseded application {} stays for now: {}", older.name(), e.getMessage());
                }
            }
        }
        if (t.newRoundAbove > 0) {
            if (latest != null && latest.attempt() > t.newRoundAbove) {
                t.newRoundAbove = 0; // the round's first run exists (its create may have failed after taking effect)
            } else {
                create(t, t.newRoundAbove + 1, true, runs, now);
                t.newRoundAbove = 0;
                return;
            }
        }
        if (t.retryAt != null) {
            if (latest != null && latest.attempt() >= t.nextAttempt) {
                t.retryAt = null; // the retry's run exists (its create may have failed after taking effect)
                metrics.retried();
            } else {
                rerunWhenDue(t, latest, runs, now);
                return;
            }
        }
        if (latest == null) {
            if (t.attempt > 0) {
                LOG.warn("application {} disappeared while its message is pending; running attempt {} again", t.applicationName, t.attempt);
                create(t, t.attempt, false, runs, now);
            } else {
                create(t, 1, true, runs, now);
            }
            return;
        }
        if (latest.deadLettered()) {
            deadLetters.finish(t, latest, runs);
            return;
        }
        follow(t, latest, now);
        decide(t, latest, runs, now);
    }

    /** One decision for the run's state. */
    private void decide(Tracked t, Run run, OwnedRuns runs, Instant now) {
        Instant started = run.startedAt();
        RunState state = capacity(t, run, now);
        // Time spent waiting for nodes is not run time: the run-time limit counts the rest.
        Duration waited = t.capacityWaited.plus(t.capacityWaitSince == null ? Duration.ZERO : Duration.between(t.capacityWaitSince, now));
        // The pods' own timestamps also cover what a restarted dispatcher did not see.
        Duration fromPods = t.capacity.figures(now).waited();
        waited = fromPods.compareTo(waited) > 0 ? fromPods : waited;
        Duration runTime = Duration.between(started == null ? t.stateSince : started, now).minus(waited);
        runTime = runTime.isNegative() ? Duration.ZERO : runTime;
        Action action = policy.decide(new StatePolicy.Observation(state, run.operatorState(), run.errorMessage(),
                t.attempt - t.firstAttempt + 1, Duration.between(t.stateSince, now), runTime,
                runLimit.forBytes(t.request.manifest().totalBytes())));
        if (action instanceof Action.Complete) {
            complete(t, run, now);
        } else if (action instanceof Action.Retry r) {
            String hint = hint(t, run);
            Optional<String> changed = changedSinceChecked(t);
            recordCapacity(t, now);
            if (changed.isPresent()) {
                deadLetters.decide(t, run, r.reason() + hint + "; not retried: " + changed.get(), runs);
            } else {
                scheduleRetry(t, run, new Action.Retry(r.nextAttempt(), r.backoff(), r.reason() + hint), now);
            }
        } else if (action instanceof Action.DeadLetter d) {
            recordCapacity(t, now);
            deadLetters.decide(t, run, d.reason() + hint(t, run), runs);
        }
    }

    /**
     * The run's state, or {@link RunState#WAITING} while the operator says it is pending or running and its driver or
     * executors wait for nodes (their pods, {@link CapacityWait}). A wait spends no attempt: the stuck timeout does not
     * apply to it and counts again from its end, and the run-time limit leaves it out. Each wait's length goes to the
     * metrics when it ends.
     */
    private RunState capacity(Tracked t, Run run, Instant now) {
        Optional<String> waiting = run.state() == RunState.WAITING ? Optional.of("the operator says " + run.operatorState())
                : Optional.empty();
        if (run.state() == RunState.PENDING || run.state() == RunState.RUNNING) {
            List<CapacityWait.PodView> pods = dependencies.call(Service.KUBERNETES, Calls.LIST_PODS, () -> operator.pods(run));
            t.capacity.observe(pods, now);
            waiting = CapacityWait.of(pods);
        } else if (run.state().finished()) {
            // Once more at the end: the driver's pod stays, executors that are still there say when they ended.
            List<CapacityWait.PodView> pods = dependencies.call(Service.KUBERNETES, Calls.LIST_PODS, () -> operator.pods(run));
            t.capacity.finish(pods, run.finishedAt().isAfter(Instant.EPOCH) ? run.finishedAt() : now);
        }
        if (waiting.isPresent()) {
            if (t.capacityWaitSince == null) {
                t.capacityWaitSince = now;
                LOG.info("application {} waits for capacity ({}, {}); no attempt is spent on the wait", run.name(),
                        waiting.get(), run.operatorState());
            }
            return RunState.WAITING;
        }
        endCapacityWait(t, now);
        return run.state();
    }

    private void endCapacityWait(Tracked t, Instant now) {
        if (t.capacityWaitSince != null) {
            Duration d = Duration.between(t.capacityWaitSince, now);
            t.capacityWaited = t.capacityWaited.plus(d);
            t.capacityWaitSince = null;
            t.stateSince = now;
            LOG.info("application {} has its nodes after waiting {} s", t.applicationName, d.toSeconds());
        }
    }

    /**
     * Every attempt's driver refuses a manifest whose bytes are not the ones checked (it is pinned by their SHA-256), so
     * a retry of a manifest changed (or removed) since would fail the same way: read it again before retrying, and
     * dead-letter it at once when it changed. A read that fails (S3 down) throws {@link Dependencies.Unavailable}: the
     * next step decides again.
     */
    private Optional<String> changedSinceChecked(Tracked t) {
        DriverChecks checks = t.request.checks();
        if (checks == null || checks.manifestSha256() == null) {
            return Optional.empty();
        }
        try {
            String now = dependencies.call(Service.S3, Calls.LOAD_MANIFEST, () -> manifests.read(t.request.manifestUri())).sha256();
            return checks.manifestSha256().equals(now) ? Optional.empty()
                    : Optional.of("manifest " + t.request.manifestUri() + " changed after the dispatcher checked it (sha256 "
                            + checks.manifestSha256() + ", now " + now + "), and its driver refuses it");
        } catch (InvalidManifestException e) {
            return Optional.of("manifest " + t.request.manifestUri() + " cannot be read as checked any more: "
                    + String.join("; ", e.problems()));
        }
    }

    /** What the attempt markers add to the reason of a failed run (superseded by a newer attempt), or nothing. */
    private String hint(Tracked t, Run run) {
        return run.state() == RunState.FAILED ? attempts.supersededHint(t.request.manifest(), run.attempt()).orElse("") : "";
    }

    /** Takes the run as the manifest's current one: its attempt, round and state (the stuck timeout counts from a change). */
    private void follow(Tracked t, Run run, Instant now) {
        t.applicationName = run.name();
        t.attempt = run.attempt();
        t.firstAttempt = Math.min(t.attempt, run.firstAttempt());
        if (!run.operatorState().equals(t.operatorState)) {
            if (t.operatorState != null) {
                metrics.timeInState(t.operatorState, Duration.between(t.stateSince, now));
                LOG.info("application state {} -> {}", t.operatorState, run.operatorState());
            }
            t.operatorState = run.operatorState();
            t.stateSince = now;
        }
    }

    private void complete(Tracked t, Run run, Instant now) {
        held.settle(t);
        RunUsage usage = operator.usage(run, now);
        metrics.runUsage(usage.executorCoreSeconds(), usage.costUsd(), t.request.manifest().totalBytes());
        CapacityLedger.Figures f = recordCapacity(t, now);
        metrics.succeeded(); // last: whoever sees the success counted (a test, a dashboard) sees its figures too
        LOG.info("manifest converted; message deleted after {} attempt(s); {} executor core-seconds, about {} USD; {} s waiting for "
                + "capacity; executor-seconds on-demand {}, spot {}, unknown {}", t.attempt, Math.round(usage.executorCoreSeconds()),
                String.format(Locale.ROOT, "%.4f", usage.costUsd()), f.waited().toSeconds(),
                Math.round(f.executorSeconds(CapacityType.ON_DEMAND)), Math.round(f.executorSeconds(CapacityType.SPOT)),
                Math.round(f.executorSeconds(CapacityType.UNKNOWN)));
    }

    /**
     * An ended attempt's wait for nodes and executor-seconds by capacity type, from its pods ({@link CapacityLedger}),
     * to the metrics once.
     */
    private CapacityLedger.Figures recordCapacity(Tracked t, Instant now) {
        CapacityLedger.Figures f = t.capacity.figures(now);
        if (t.capacity.markRecorded()) {
            for (CapacityType type : CapacityType.values()) {
                metrics.executorSeconds(type.tag(), f.executorSeconds(type));
            }
            if (!f.waited().isZero() && !f.waited().isNegative()) {
                metrics.capacityWait(f.waited());
            }
        }
        return f;
    }

    private void scheduleRetry(Tracked t, Run run, Action.Retry r, Instant now) {
        metrics.failed();
        t.retryAt = now.plus(r.backoff());
        t.nextAttempt = t.attempt + 1;
        String text = r.reason() + "; attempt " + t.nextAttempt + " in " + r.backoff().toSeconds() + " s";
        LOG.warn("run failed: {}", text);
        operator.warn(run, "RunFailed", text);
    }

    /**
     * After the back-off: stop the previous attempt if it may still run (so its pods go before the next attempt's
     * start and the run cap holds), create the next attempt's run, then delete the previous one. In this order the
     * attempt count is on a resource at every moment; a driver of the previous attempt that outlives all this (a lost
     * node) is fenced by {@code --attempt} in the Spark application.
     */
    private void rerunWhenDue(Tracked t, Run previous, OwnedRuns runs, Instant now) {
        if (now.isBefore(t.retryAt)) {
            return;
        }
        if (previous != null && previous.mayStillRun() && !previous.stopRequested() && previous.attempt() < t.nextAttempt) {
            leader.ensure();
            dependencies.run(Service.KUBERNETES, Calls.STOP, () -> operator.stop(previous.name()));
        }
        create(t, t.nextAttempt, false, runs, now);
        t.retryAt = null;
        metrics.retried(); // once the next attempt exists: a stop that failed after taking effect is not a retry
        if (previous != null && !previous.name().equals(t.applicationName)) {
            leader.ensure();
            dependencies.call(Service.KUBERNETES, Calls.DELETE, () -> operator.delete(previous.name()));
        }
    }

    /**
     * Creates (or adopts) the run of the next attempt: {@code wanted}, raised above every attempt marker in the output.
     * A new round (first run, redriven dead letter) counts its attempts from it.
     */
    private void create(Tracked t, int wanted, boolean newRound, OwnedRuns runs, Instant now) {
        int attempt = attempts.next(t.request.manifest(), wanted);
        int first = newRound ? attempt : Math.min(t.firstAttempt, attempt);
        leader.ensure();
        SparkOperator.Created c = dependencies.call(Service.KUBERNETES, Calls.CREATE,
                () -> operator.createOrAdopt(t.request.attempt(attempt, first, now, t.firstMessageId())));
        runs.put(c.run());
        if (c.adopted()) {
            metrics.adopted();
        } else {
            metrics.created();
        }
        endCapacityWait(t, now);
        t.capacityWaited = Duration.ZERO; // a new attempt: its own run time
        t.capacity = new CapacityLedger();
        t.operatorState = null;
        follow(t, c.run(), now);
        LOG.info("{} application {} for attempt {}: {} file(s), {} bytes", c.adopted() ? "adopted" : "created",
                t.applicationName, t.attempt, t.request.manifest().fileCount(), t.request.manifest().totalBytes());
    }
}
