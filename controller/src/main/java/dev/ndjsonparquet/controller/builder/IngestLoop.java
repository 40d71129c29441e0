package dev.ndjsonparquet.controller.builder;

import dev.ndjsonparquet.controller.aws.SqsQueue;
import dev.ndjsonparquet.controller.builder.Step.StepHook;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the ingest queue and feeds the {@link BatchEngine}. An ingest message is deleted only when every
 * record it holds is settled: its file quarantined, a duplicate of a file already in a sent manifest, or in a
 * batch whose manifest reached the manifest queue (or the record set aside, below). Until then it stays in
 * flight, its visibility extended at half the visibility timeout (also while a long quarantine copy runs). A
 * message in no known format is left alone, so the queue's redrive policy moves it to the dead-letter queue; a
 * record of an otherwise readable message that cannot be read is recorded under the quarantine location with its
 * reason, and counted.
 *
 * <p>Each record's outcome is decided on its own, and what fails is retried here ({@link Retries}), never by
 * letting the message return to the queue: a failed record is tried again after a doubling wait while its
 * siblings go on; one that keeps failing while other work succeeds is set aside after a bound, with its reason
 * ({@code failed-events/} under the quarantine location, counted). When S3 or SQS fails as in an outage, the loop
 * stops taking new messages, probes the dependency with a doubling wait and keeps extending the visibility of
 * the messages it holds, so an outage spends no receives; the metrics and the readiness endpoint say what it is
 * waiting on ({@link DependencyWaits}).
 *
 * <p>Each turn does a bounded amount of work (one receive of up to ten messages, the records due, one step of the
 * listing sweep), so the loop's liveness and the visibility of held messages keep moving whatever a turn meets.
 * The loop ends when the engine is {@link Fenced} (a newer engine of its owner started): the caller starts a new
 * term from the ledger if it still leads.
 */
public final class IngestLoop {

    private static final Logger LOG = LoggerFactory.getLogger(IngestLoop.class);
    private static final int LONG_POLL_SECONDS = 20;

    /** Waits for a while; the production one sleeps, tests may move their clock instead. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d);
    }

    private final SqsQueue queue;
    private final BatchEngine engine;
    private final BuilderMetrics metrics;
    private final StepHook hook;
    private final Clock clock;
    private final int visibilitySeconds;
    private final ListingSweep sweep;
    private final Retries retries;
    private final HeldMessages held;
    private int maxWaitSeconds = LONG_POLL_SECONDS;
    private BooleanSupplier active = () -> true;
    private Sleeper sleeper = IngestLoop::sleep;
    private final Retries.Tries tickTries;

    public IngestLoop(SqsQueue queue, BatchEngine engine, BuilderMetrics metrics, StepHook hook,
                      Clock clock, int visibilitySeconds, ListingSweep sweep) {
        this.queue = queue;
        this.engine = engine;
        this.metrics = metrics;
        this.hook = hook;
        this.clock = clock;
        this.visibilitySeconds = visibilitySeconds;
        this.sweep = sweep;
        this.retries = new Retries(clock, metrics);
        this.held = new HeldMessages(queue, clock, visibilitySeconds, retries, metrics);
        this.tickTries = retries.track();
    }

    /** Shortens the long poll (tests, benchmarks); the default is SQS's maximum, 20 s. */
    public IngestLoop withMaxWaitSeconds(int seconds) {
        this.maxWaitSeconds = Math.max(0, Math.min(LONG_POLL_SECONDS, seconds));
        return this;
    }

    /** How the loop waits when it has nothing to receive (an outage): tests on a test clock move the clock. */
    public IngestLoop withSleeper(Sleeper sleeper) {
        this.sleeper = sleeper;
        return this;
    }

    /**
     * Finishes what a previous builder started, then polls until {@code keepRunning} says stop. A recovery that
     * fails (a call to S3 or SQS failed) is tried again after a doubling wait, as long as this replica leads.
     */
    public void run(BooleanSupplier keepRunning) {
        active = keepRunning;
        engine.whileWaiting(this::keepAlive);
        try {
            if (!recover(keepRunning)) {
                return;
            }
            int errors = 0;
            while (keepRunning.getAsBoolean()) {
                try {
                    pollOnce();
                    errors = 0;
                } catch (Fenced e) {
                    LOG.warn("builder term ended: {}", e.getMessage());
                    return;
                } catch (RuntimeException e) {
                    // Every call's failure is handled inside a turn: this is a defect. Keep the held messages alive.
                    errors++;
                    Duration pause = Retries.WORK.after(errors);
                    LOG.error("builder turn failed, going on in {}", pause, e);
                    pauseKeepingAlive(pause);
                }
            }
        } finally {
            retries.clear();
        }
    }

    /** Starts this engine's term from the ledger; false when the loop should end instead (fenced, or told to stop). */
    private boolean recover(BooleanSupplier keepRunning) {
        Retries.Tries tries = retries.track();
        while (keepRunning.getAsBoolean()) {
            try {
                engine.recover();
                retries.answered(Dependency.S3);
                return true;
            } catch (Fenced e) {
                LOG.warn("builder term ended while recovering: {}", e.getMessage());
                return false;
            } catch (RuntimeException e) {
                if (engine.isKill(e)) {
                    throw e;
                }
                retries.failed(tries, e, Dependency.S3);
                Duration pause = Duration.between(clock.instant(), tries.notBefore);
                LOG.warn("recovering from the ledger failed ({} times), trying again in {}: {}", tries.failures, pause,
                        e.toString());
                pauseKeepingAlive(pause);
            }
        }
        return false;
    }

    /**
     * One turn: a receive (unless a dependency is out), the records due, the engine's age closing and shipping
     * retries, one step of the listing sweep, message settling and visibility extension. Throws only
     * {@link Fenced} (and what a test's step hook throws).
     */
    public int pollOnce() {
        engine.whileWaiting(this::keepAlive);
        int received = 0;
        if (!retries.isDown(Dependency.S3) && retries.mayCall(Dependency.SQS)) {
            received = receive();
        } else {
            pause();
        }
        if (!active.getAsBoolean()) {
            return received; // no longer leading: what is held comes back after its visibility timeout
        }
        probeS3();
        work();
        if (!active.getAsBoolean()) {
            return received;
        }
        tick();
        if (sweep != null && !retries.isDown(Dependency.S3) && active.getAsBoolean()) {
            sweep.turn(engine, retries, this::keepAlive);
        }
        settle();
        held.extendDue();
        return received;
    }

    /** Messages received and not yet deleted. */
    public int inFlightCount() {
        return held.size();
    }

    /** The receipts of the messages held (tests: what a killed builder leaves in flight). */
    List<String> heldReceipts() {
        return held.receipts();
    }

    private int receive() {
        List<SqsQueue.Received> messages;
        try {
            messages = queue.receive(10, waitSeconds(), visibilitySeconds);
            retries.answered(Dependency.SQS);
        } catch (RuntimeException e) {
            LOG.warn("receiving from the ingest queue failed: {}", e.toString());
            retries.callFailed(Dependency.SQS, e);
            return 0;
        }
        for (SqsQueue.Received m : messages) {
            if (!active.getAsBoolean()) {
                return messages.size(); // no longer leading: the rest come back after their visibility timeout
            }
            held.admit(m);
        }
        return messages.size();
    }

    /**
     * While S3 is out, one cheap call when the probe is due: the read of this engine's term (which also says
     * whether it still holds its term). Its answer ends the outage and the held records are tried at once.
     */
    private void probeS3() {
        if (!retries.isDown(Dependency.S3) || !retries.mayCall(Dependency.S3)) {
            return;
        }
        try {
            engine.fence();
            retries.answered(Dependency.S3);
        } catch (Fenced e) {
            throw e;
        } catch (RuntimeException e) {
            retries.callFailed(Dependency.S3, e);
        }
    }

    /** Processes every record that is due, each on its own; nothing while S3 is out. */
    private void work() {
        for (HeldMessages.Held m : held.all()) {
            for (HeldMessages.Pending r : List.copyOf(m.pending)) {
                if (!active.getAsBoolean() || retries.isDown(Dependency.S3)) {
                    return;
                }
                if (r.tries().due(clock.instant())) {
                    attempt(m, r);
                }
            }
        }
    }

    private void attempt(HeldMessages.Held m, HeldMessages.Pending r) {
        try {
            if (r.malformed() != null) {
                EventParser.Malformed bad = r.malformed();
                engine.quarantine().recordMalformed(m.messageId, bad.index(), bad.reason(), bad.record(), clock.instant());
                LOG.warn("ingest message {} record {} recorded as malformed: {}", m.messageId, bad.index(), bad.reason());
            } else {
                BatchEngine.Outcome outcome = engine.offer(r.event(), false);
                if (outcome.batchId() != null && engine.isOpen(outcome.batchId())) {
                    m.waitingFor.add(outcome.batchId());
                }
            }
            m.pending.remove(r);
            retries.answered(Dependency.S3);
        } catch (Fenced e) {
            throw e;
        } catch (RuntimeException e) {
            if (engine.isKill(e)) {
                throw e;
            }
            boolean setAside = retries.failed(r.tries(), e, Dependency.S3);
            LOG.warn("record {} of ingest message {} failed ({} times), next try at {}: {}", r.index(), m.messageId,
                    r.tries().failures, r.tries().notBefore, e.toString());
            if (setAside && r.event() != null) {
                setAside(m, r);
            }
        }
    }

    /** Writes down a record that kept failing while other work succeeded, so that its message can settle. */
    private void setAside(HeldMessages.Held m, HeldMessages.Pending r) {
        try {
            String origin = m.messageId + "-" + r.index();
            if (engine.quarantine().recordFailed(origin, r.event(), r.tries().lastError, r.tries().failures, clock.instant())) {
                metrics.recordsFailed.increment();
            }
            LOG.error("record {} of ingest message {} ({}) set aside after {} failures: {}", r.index(), m.messageId,
                    r.event().location(), r.tries().failures, r.tries().lastError);
            m.pending.remove(r);
        } catch (Fenced e) {
            throw e;
        } catch (RuntimeException e) {
            retries.failed(r.tries(), e, Dependency.S3);
            LOG.warn("could not set aside record {} of ingest message {}; tried again later: {}", r.index(), m.messageId,
                    e.toString());
        }
    }

    /** The engine's age closing and the retries of batches whose shipping failed. */
    private void tick() {
        if (retries.isDown(Dependency.S3) || !tickTries.due(clock.instant())) {
            return;
        }
        try {
            engine.tick();
            tickTries.reset();
        } catch (Fenced e) {
            throw e;
        } catch (RuntimeException e) {
            if (engine.isKill(e)) {
                throw e;
            }
            retries.failed(tickTries, e, Dependency.S3);
            LOG.warn("shipping a batch failed ({} times), next try at {}: {}", tickTries.failures, tickTries.notBefore,
                    e.toString());
        }
    }

    /** Run while the loop waits on something long (a quarantine copy): extends visibility, keeps liveness. */
    private void keepAlive() {
        if (!active.getAsBoolean()) {
            // Lost the Lease during a long copy: stop here (the copy is cancelled; the message comes back to the
            // new leader, which copies again). Bounds how long a deposed leader keeps working.
            throw new Fenced("leadership lost during a long quarantine copy");
        }
        held.extendDue();
    }

    private void settle() {
        // A stopped batch will not ship in this term; its files are recorded with it in the ledger, where each
        // new term reports it again, so its messages are settled rather than held (or redelivered) forever.
        held.settle(engine.drainShipped(), engine.drainStopped(), hook);
    }

    /**
     * When the loop next has something to do without a message arriving. While S3 is out, only its probe and the
     * visibility extensions count: the work it gates waits for the probe.
     */
    private Instant nextWake(Instant now) {
        List<Instant> candidates = new ArrayList<>();
        candidates.add(now.plusSeconds(maxWaitSeconds));
        retries.nextProbe().ifPresent(candidates::add);
        if (!retries.isDown(Dependency.S3)) {
            engine.deadline().ifPresent(d -> candidates.add(tickTries.notBefore != null && tickTries.notBefore.isAfter(d)
                    ? tickTries.notBefore : d));
            if (sweep != null) {
                candidates.add(sweep.nextTurn(now));
            }
            held.nextRecord(now).ifPresent(candidates::add);
        }
        held.nextExtension().ifPresent(candidates::add);
        return candidates.stream().min(Instant::compareTo).orElseThrow();
    }

    private int waitSeconds() {
        Instant now = clock.instant();
        long millis = Duration.between(now, nextWake(now)).toMillis();
        return (int) Math.max(0, Math.min(maxWaitSeconds, (millis + 999) / 1000));
    }

    /** Waits, instead of a receive, until the next probe, extension or retry is due (at most the long poll). */
    private void pause() {
        Instant now = clock.instant();
        Duration d = Duration.between(now, nextWake(now));
        if (d.isNegative() || d.isZero()) {
            return;
        }
        sleeper.sleep(d.compareTo(Duration.ofSeconds(maxWaitSeconds)) > 0 ? Duration.ofSeconds(maxWaitSeconds) : d);
    }

    /** Waits {@code d} in steps of a second, extending the visibility of held messages as it falls due. */
    private void pauseKeepingAlive(Duration d) {
        Instant until = clock.instant().plus(d);
        while (active.getAsBoolean() && clock.instant().isBefore(until)) {
            Duration left = Duration.between(clock.instant(), until);
            sleeper.sleep(left.compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1) : left);
            held.extendDue();
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
