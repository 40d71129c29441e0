package dev.ndjsonparquet.controller.builder;

import dev.ndjsonparquet.controller.aws.SqsQueue;
import dev.ndjsonparquet.controller.builder.Step.StepHook;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest messages the loop holds in flight: for each, its records still to process and the batches it waits
 * for. A message's visibility is extended when half its visibility timeout has passed (again a second later when
 * that failed), and the message is deleted once everything it holds is settled. Every SQS failure here gates
 * further SQS calls ({@link Retries#callFailed}); nothing is given back to the queue.
 */
final class HeldMessages {

    private static final Logger LOG = LoggerFactory.getLogger(HeldMessages.class);
    /** How soon an extension of visibility that failed is tried again. */
    private static final Duration EXTENSION_RETRY = Duration.ofSeconds(1);

    /** A received message not yet deleted. */
    static final class Held {
        final String messageId;
        private String receipt;
        private Instant extendedAt;
        private Instant retryExtensionAt;
        final List<Pending> pending = new ArrayList<>();
        final Set<String> waitingFor = new HashSet<>();

        private Held(SqsQueue.Received m, Instant now) {
            this.messageId = m.messageId();
            this.receipt = m.receiptHandle();
            this.extendedAt = now;
        }

        boolean settled() {
            return pending.isEmpty() && waitingFor.isEmpty();
        }
    }

    /** One record of a held message still to process: a created object, or an unreadable record to write down. */
    record Pending(int index, ObjectEvent event, EventParser.Malformed malformed, Retries.Tries tries) {
    }

    private final SqsQueue queue;
    private final Clock clock;
    private final int visibilitySeconds;
    private final Retries retries;
    private final BuilderMetrics metrics;
    private final List<Held> held = new ArrayList<>();

    HeldMessages(SqsQueue queue, Clock clock, int visibilitySeconds, Retries retries, BuilderMetrics metrics) {
        this.queue = queue;
        this.clock = clock;
        this.visibilitySeconds = visibilitySeconds;
        this.retries = retries;
        this.metrics = metrics;
    }

    /** The messages held, in the order received (a copy: processing may settle some). */
    List<Held> all() {
        return List.copyOf(held);
    }

    int size() {
        return held.size();
    }

    List<String> receipts() {
        return held.stream().map(m -> m.receipt).toList();
    }

    /**
     * Holds a received message with its records to process. A message held already (received again after its
     * visibility ran out while SQS could not be reached) keeps its records and takes the new receipt; a message
     * in no known format is left to the queue's redrive policy.
     */
    void admit(SqsQueue.Received m) {
        Instant now = clock.instant();
        for (Held h : held) {
            if (h.messageId.equals(m.messageId())) {
                h.receipt = m.receiptHandle();
                h.extendedAt = now;
                h.retryExtensionAt = null;
                return;
            }
        }
        EventParser.Parsed parsed;
        try {
            parsed = EventParser.parse(m.body());
        } catch (EventParser.MalformedEventException e) {
            metrics.malformedMessages.increment();
            LOG.warn("ingest message {} left for the dead-letter queue: {}", m.messageId(), e.getMessage());
            return;
        }
        Held message = new Held(m, now);
        for (EventParser.Malformed bad : parsed.malformed()) {
            metrics.malformedMessages.increment();
            message.pending.add(new Pending(bad.index(), null, bad, retries.track()));
        }
        int index = 0;
        for (ObjectEvent event : parsed.created()) {
            message.pending.add(new Pending(index++, event, null, retries.track()));
        }
        held.add(message);
    }

    /** Deletes the messages whose records are all settled and whose batches shipped (or stopped). */
    void settle(List<String> shipped, List<String> stopped, StepHook hook) {
        List<Held> done = new ArrayList<>();
        for (Held m : held) {
            shipped.forEach(m.waitingFor::remove);
            stopped.forEach(m.waitingFor::remove);
            if (m.settled()) {
                done.add(m);
            }
        }
        if (done.isEmpty() || !retries.mayCall(Dependency.SQS)) {
            return;
        }
        hook.reached(Step.DELETING_INGEST);
        try {
            queue.deleteAll(done.stream().map(m -> m.receipt).toList())
                    .forEach(f -> LOG.warn("could not delete ingest message: {} {}", f.code(), f.message()));
            retries.answered(Dependency.SQS);
            held.removeAll(done);
        } catch (RuntimeException e) {
            // Maybe deleted, maybe not: tried again next turn (deleting twice is harmless).
            LOG.warn("deleting settled ingest messages failed; tried again: {}", e.toString());
            retries.callFailed(Dependency.SQS, e);
        }
    }

    /** Extends the visibility of every message whose extension is due. */
    void extendDue() {
        Instant now = clock.instant();
        List<Held> due = held.stream().filter(m -> !now.isBefore(extendAt(m))).toList();
        if (due.isEmpty()) {
            return;
        }
        try {
            queue.extendVisibilityAll(due.stream().map(m -> m.receipt).toList(), visibilitySeconds)
                    .forEach(f -> LOG.warn("could not extend an ingest message: {} {}", f.code(), f.message()));
            retries.answered(Dependency.SQS);
            due.forEach(m -> {
                m.extendedAt = now;
                m.retryExtensionAt = null;
            });
        } catch (RuntimeException e) {
            LOG.warn("extending the visibility of {} held ingest messages failed; tried again: {}", due.size(), e.toString());
            retries.callFailed(Dependency.SQS, e);
            due.forEach(m -> m.retryExtensionAt = now.plus(EXTENSION_RETRY));
        }
    }

    /** When the next extension is due. */
    Optional<Instant> nextExtension() {
        return held.stream().map(this::extendAt).min(Instant::compareTo);
    }

    /** When the next held record is due to be tried (now for one never tried). */
    Optional<Instant> nextRecord(Instant now) {
        return held.stream().flatMap(m -> m.pending.stream())
                .map(r -> r.tries().notBefore == null ? now : r.tries().notBefore)
                .min(Instant::compareTo);
    }

    private Instant extendAt(Held m) {
        Instant at = m.extendedAt.plusMillis(visibilitySeconds * 500L);
        return m.retryExtensionAt != null && m.retryExtensionAt.isAfter(at) ? m.retryExtensionAt : at;
    }
}
