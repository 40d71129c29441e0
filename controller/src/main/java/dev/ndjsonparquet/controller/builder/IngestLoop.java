package dev.ndjsonparquet.controller.builder;

import dev.ndjsonparquet.controller.aws.SqsQueue;
import dev.ndjsonparquet.controller.builder.Step.StepHook;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the ingest queue and feeds the {@link BatchEngine}. An ingest message is deleted only when every
 * file it names is settled: quarantined, a duplicate of a file already in a sent manifest, or in a batch
 * whose manifest reached the manifest queue. Until then it stays in flight, its visibility extended at half
 * the visibility timeout (also while a long quarantine copy runs). A message in no known format is left
 * alone, so the queue's redrive policy moves it to the dead-letter queue; a record of an otherwise readable
 * message that cannot be read is recorded under the quarantine location with its reason, and counted.
 *
 * <p>The loop ends when the engine is {@link Fenced} (a newer engine of its owner started): the caller
 * starts a new term from the ledger if it still leads.
 */
public final class IngestLoop {

    private static final Logger LOG = LoggerFactory.getLogger(IngestLoop.class);
    private static final int LONG_POLL_SECONDS = 20;

    private final SqsQueue queue;
    private final BatchEngine engine;
    private final BuilderMetrics metrics;
    private final StepHook hook;
    private final Clock clock;
    private final int visibilitySeconds;
    private final ListingSweep sweep;
    private final List<InFlight> inFlight = new ArrayList<>();
    private int maxWaitSeconds = LONG_POLL_SECONDS;
    private BooleanSupplier active = () -> true;

    /** A received message whose files are not all settled. */
    private static final class InFlight {
        final String messageId;
        String receipt;
        final Set<String> waitingFor = new HashSet<>();
        Instant extendedAt;

        InFlight(SqsQueue.Received m, Instant now) {
            this.messageId = m.messageId();
            this.receipt = m.receiptHandle();
            this.extendedAt = now;
        }
    }

    public IngestLoop(SqsQueue queue, BatchEngine engine, BuilderMetrics metrics, StepHook hook,
                      Clock clock, int visibilitySeconds, ListingSweep sweep) {
        this.queue = queue;
        this.engine = engine;
        this.metrics = metrics;
        this.hook = hook;
        this.clock = clock;
        this.visibilitySeconds = visibilitySeconds;
        this.sweep = sweep;
    }

    /** Shortens the long poll (tests, benchmarks); the default is SQS's maximum, 20 s. */
    public IngestLoop withMaxWaitSeconds(int seconds) {
        this.maxWaitSeconds = Math.max(0, Math.min(LONG_POLL_SECONDS, seconds));
        return this;
    }

    /** Finishes what a previous builder started, then polls until {@code keepRunning} says stop. */
    public void run(BooleanSupplier keepRunning) {
        active = keepRunning;
        engine.whileWaiting(this::keepAlive);
        engine.recover();
        Duration backoff = Duration.ofSeconds(1);
        while (keepRunning.getAsBoolean()) {
            try {
                pollOnce();
                backoff = Duration.ofSeconds(1);
            } catch (Fenced e) {
                LOG.warn("builder term ended: {}", e.getMessage());
                return;
            } catch (RuntimeException e) {
                LOG.warn("builder poll failed, retrying in {}: {}", backoff, e.toString());
                sleep(backoff);
                backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30)
                        : backoff.multipliedBy(2);
            }
        }
    }

    /** One receive, then age closing, message settling, visibility extension and (when due) reconciliation. */
    public int pollOnce() {
        engine.whileWaiting(this::keepAlive);
        int wait = waitSeconds();
        List<SqsQueue.Received> messages = queue.receive(10, wait, visibilitySeconds);
        for (SqsQueue.Received m : messages) {
            if (!active.getAsBoolean()) {
                return messages.size(); // no longer leading: the rest come back after their visibility timeout
            }
            handle(m);
        }
        if (!active.getAsBoolean()) {
            return messages.size();
        }
        engine.tick();
        if (sweep != null) {
            sweep.runIfDue(engine);
        }
        settle();
        extendVisibility();
        return messages.size();
    }

    /** Messages received and not yet deleted. */
    public int inFlightCount() {
        return inFlight.size();
    }

    private void handle(SqsQueue.Received m) {
        EventParser.Parsed parsed;
        try {
            parsed = EventParser.parse(m.body());
        } catch (EventParser.MalformedEventException e) {
            metrics.malformedMessages.increment();
            LOG.warn("ingest message {} left for the dead-letter queue: {}", m.messageId(), e.getMessage());
            return;
        }
        InFlight message = new InFlight(m, clock.instant());
        inFlight.add(message); // before the offers, so a long quarantine copy keeps extending it
        try {
            for (EventParser.Malformed bad : parsed.malformed()) {
                metrics.malformedMessages.increment();
                engine.quarantine().recordMalformed(m.messageId(), bad.index(), bad.reason(), bad.record(), clock.instant());
                LOG.warn("ingest message {} record {} recorded as malformed: {}", m.messageId(), bad.index(), bad.reason());
            }
            for (ObjectEvent event : parsed.created()) {
                BatchEngine.Outcome outcome = engine.offer(event, false);
                if (outcome.batchId() != null && engine.isOpen(outcome.batchId())) {
                    message.waitingFor.add(outcome.batchId());
                }
            }
        } catch (RuntimeException e) {
            // Not settled: the message comes back after its visibility timeout and is offered again.
            inFlight.remove(message);
            throw e;
        }
    }

    /** Run while the loop waits on something long (a quarantine copy): extends visibility, keeps liveness. */
    private void keepAlive() {
        if (!active.getAsBoolean()) {
            // Lost the Lease during a long copy: stop here (the copy may finish on its own; the message comes
            // back to the new leader, which copies again). Bounds how long a deposed leader keeps working.
            throw new Fenced("leadership lost during a long quarantine copy");
        }
        extendVisibility();
    }

    private void settle() {
        List<String> shipped = engine.drainShipped();
        // A stopped batch will not ship in this term; its files are recorded with it in the ledger, where each
        // new term reports it again, so its messages are settled rather than held (or redelivered) forever.
        List<String> stopped = engine.drainStopped();
        List<InFlight> done = new ArrayList<>();
        for (InFlight m : inFlight) {
            shipped.forEach(m.waitingFor::remove);
            stopped.forEach(m.waitingFor::remove);
            if (m.waitingFor.isEmpty()) {
                done.add(m);
            }
        }
        if (done.isEmpty()) {
            return;
        }
        hook.reached(Step.DELETING_INGEST);
        queue.deleteAll(done.stream().map(m -> m.receipt).toList())
                .forEach(f -> LOG.warn("could not delete ingest message: {} {}", f.code(), f.message()));
        inFlight.removeAll(done);
    }

    private void extendVisibility() {
        Instant now = clock.instant();
        long halfMillis = visibilitySeconds * 500L;
        List<InFlight> due = inFlight.stream()
                .filter(m -> !now.isBefore(m.extendedAt.plusMillis(halfMillis)))
                .toList();
        if (due.isEmpty()) {
            return;
        }
        queue.extendVisibilityAll(due.stream().map(m -> m.receipt).toList(), visibilitySeconds)
                .forEach(f -> LOG.warn("could not extend an ingest message: {} {}", f.code(), f.message()));
        due.forEach(m -> m.extendedAt = now);
    }

    private int waitSeconds() {
        Instant now = clock.instant();
        Instant next = now.plusSeconds(maxWaitSeconds);
        Instant deadline = engine.deadline().orElse(next);
        if (deadline.isBefore(next)) {
            next = deadline;
        }
        for (InFlight m : inFlight) {
            Instant extendAt = m.extendedAt.plusMillis(visibilitySeconds * 500L);
            if (extendAt.isBefore(next)) {
                next = extendAt;
            }
        }
        long millis = Duration.between(now, next).toMillis();
        return (int) Math.max(0, Math.min(maxWaitSeconds, (millis + 999) / 1000));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
