package dev.ndjsonparquet.controller.builder;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the builder's loop retries what failed, in place: a message is never given back to the queue to be tried
 * again (that would spend one of its receives, and with the redrive policy's {@code maxReceiveCount} a short
 * outage would move fresh messages to the dead-letter queue), and one record never fails the others.
 * <ul>
 *   <li>Work that failed (a record of a message, an object of a listing) is tried again after a doubling wait
 *       ({@link #WORK}: 1 s to 60 s).</li>
 *   <li>A failure counts against the work unless it looks like an outage ({@link Dependency#isOutage}) and the
 *       failing dependency answered nothing else since the work last failed: during an outage nothing is charged,
 *       while a record that fails as its siblings succeed is. After {@link #SET_ASIDE_AFTER} charged failures the
 *       caller sets the work aside, with its reason.</li>
 *   <li>An outage gates the calls to its dependency: one probe at a time after a doubling wait ({@link #PROBE}:
 *       1 s to 30 s), until the dependency answers. {@link DependencyWaits} says meanwhile what the builder is
 *       waiting for.</li>
 * </ul>
 * Deciding only (a clock, counters): the loop and the listing sweep do the calls.
 */
final class Retries {

    private static final Logger LOG = LoggerFactory.getLogger(Retries.class);
    static final int SET_ASIDE_AFTER = 5;
    static final Backoff WORK = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));
    static final Backoff PROBE = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

    /** The failures of one piece of work. */
    static final class Tries {
        private final long[] seen = new long[Dependency.values().length];
        int failures;
        int charged;
        Instant notBefore;
        String lastError;

        boolean due(Instant now) {
            return notBefore == null || !now.isBefore(notBefore);
        }

        /** The work succeeded: its next failure starts the waits again. */
        void reset() {
            failures = 0;
            charged = 0;
            notBefore = null;
        }
    }

    private record Probe(int failures, Instant next) {
    }

    private final Clock clock;
    private final BuilderMetrics metrics;
    private final long[] answered = new long[Dependency.values().length];
    private final Map<Dependency, Probe> down = new EnumMap<>(Dependency.class);

    Retries(Clock clock, BuilderMetrics metrics) {
        this.clock = clock;
        this.metrics = metrics;
    }

    /** Starts tracking a piece of work. */
    Tries track() {
        Tries t = new Tries();
        System.arraycopy(answered, 0, t.seen, 0, answered.length);
        return t;
    }

    /** A call to {@code d} answered: its outage, if any, is over. */
    void answered(Dependency d) {
        answered[d.ordinal()]++;
        if (down.remove(d) != null) {
            metrics.waits().answered(d);
            LOG.info("{} answers again", d.label());
        }
    }

    /**
     * Records a failure of the work, whose calls go to {@code where} unless the error names another dependency;
     * true when the work has now failed often enough to be set aside.
     */
    boolean failed(Tries t, RuntimeException e, Dependency where) {
        Dependency d = Dependency.of(e, where);
        boolean outage = Dependency.isOutage(e);
        boolean charged = !outage || answered[d.ordinal()] > t.seen[d.ordinal()];
        System.arraycopy(answered, 0, t.seen, 0, answered.length);
        t.failures++;
        if (charged) {
            t.charged++;
        }
        t.lastError = e.toString();
        t.notBefore = clock.instant().plus(WORK.after(t.failures));
        if (outage) {
            outage(d, e);
        }
        return t.charged >= SET_ASIDE_AFTER;
    }

    /**
     * A call of the loop itself to {@code where} (or the dependency the error names) failed: a receive, a delete,
     * a visibility change, a probe. Such a call concerns no one record, so any failure gates further calls.
     */
    void callFailed(Dependency where, RuntimeException e) {
        outage(Dependency.of(e, where), e);
    }

    /** True unless {@code d} is out and its next probe is not due yet. */
    boolean mayCall(Dependency d) {
        Probe p = down.get(d);
        return p == null || !clock.instant().isBefore(p.next());
    }

    boolean isDown(Dependency d) {
        return down.containsKey(d);
    }

    /** When the earliest probe of a dependency that is out is due. */
    Optional<Instant> nextProbe() {
        return down.values().stream().map(Probe::next).min(Instant::compareTo);
    }

    /** Forgets every outage (the loop ends: a standby waits for nothing). */
    void clear() {
        down.clear();
        metrics.waits().clear();
    }

    private void outage(Dependency d, Throwable e) {
        Instant now = clock.instant();
        Probe before = down.get(d);
        int failures = before == null ? 1 : before.failures() + 1;
        Duration wait = PROBE.after(failures);
        down.put(d, new Probe(failures, now.plus(wait)));
        metrics.waits().failed(d, e, now);
        metrics.dependencyError(d);
        if (before == null) {
            LOG.warn("waiting on {}: {}; backing off, messages held in flight", d.label(), e.toString());
        } else {
            LOG.info("{} still out ({} failures), next try in {}: {}", d.label(), failures, wait, e.toString());
        }
    }
}
