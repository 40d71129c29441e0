package dev.ndjsonparquet.controller.builder;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists prefixes and offers every object to the engine: the {@code backfill} command once ({@link #feed}), the
 * builder's periodic reconciliation (off by default) for notifications that never arrived. The ledger makes a file
 * seen both ways count once. (The {@code reconcile-*} settings name the periodic use; this is an S3 listing, not a
 * Kubernetes reconciler.)
 *
 * <p>The reconciliation runs inside the ingest loop a bounded step at a time ({@link #turn}): a listing page of
 * at most {@value #PAGE} keys, then at most {@value #OFFERS_PER_TURN} offers or {@link #TURN_BUDGET} of the
 * loop's clock, whichever ends first, so the loop keeps receiving, settling, extending visibility and reporting
 * itself alive while a sweep of hundreds of thousands of objects goes on; within a step, the loop's keep-alive
 * runs after the listing and after each offer. Where the sweep is (its start, its
 * cut-off, the prefix and the last key offered) is written to the ledger ({@code sweeps/reconciliation.json})
 * after every step that moved it, so a new leader resumes the sweep instead of starting it over, and does not
 * start one before the interval since the last one started has passed. Listings resume from the last key
 * ({@code StartAfter}), not from a continuation token that could expire. An object whose offer keeps failing
 * while other work succeeds is set aside after a bound ({@link Retries}); during an outage the sweep waits.
 */
public final class ListingSweep {

    private static final Logger LOG = LoggerFactory.getLogger(ListingSweep.class);
    /** The ledger name of the builder's periodic sweep. */
    static final String NAME = "reconciliation";
    static final int PAGE = 1000;
    static final int OFFERS_PER_TURN = 100;
    static final Duration TURN_BUDGET = Duration.ofSeconds(5);

    /** What one listing did. */
    public record Summary(long listed, long accepted, long duplicates, long quarantined, long skippedOlder) {
    }

    /**
     * Where a periodic sweep is.
     *
     * @param locations   the prefixes it lists (a sweep of other prefixes, before a change of settings, is not resumed)
     * @param startedAt   when it started (the next one starts an interval later)
     * @param newerThan   its cut-off: objects modified at or before it are skipped
     * @param prefix      the index of the prefix being listed
     * @param startAfter  the last key done under that prefix (null: none yet)
     * @param completedAt when it finished, null while it runs
     * @param summary     what it found so far
     */
    public record Checkpoint(List<String> locations, Instant startedAt, Instant newerThan, int prefix, String startAfter,
                             Instant completedAt, Summary summary) {
        boolean running() {
            return completedAt == null;
        }

        Checkpoint at(String key, Summary s) {
            return new Checkpoint(locations, startedAt, newerThan, prefix, key, completedAt, s);
        }

        Checkpoint nextPrefix() {
            return new Checkpoint(locations, startedAt, newerThan, prefix + 1, null, completedAt, summary);
        }

        Checkpoint completed(Instant at) {
            return new Checkpoint(locations, startedAt, newerThan, prefix, startAfter, at, summary);
        }
    }

    private final ObjectStore store;
    private final List<StoreUri> prefixes;
    private final Duration interval;
    private final Duration lookback;
    private final Clock clock;
    private final BuilderMetrics metrics;
    private final int pageSize;
    private final int offersPerTurn;
    private boolean loaded;
    private Checkpoint state;
    private Checkpoint saved;
    private final Deque<ObjectStore.ObjectInfo> page = new ArrayDeque<>();
    private boolean pageMore;
    private Retries.Tries headTries;
    private Retries.Tries turnTries;

    public ListingSweep(ObjectStore store, List<StoreUri> prefixes, Duration interval, Duration lookback, Clock clock,
                        BuilderMetrics metrics) {
        this(store, prefixes, interval, lookback, clock, metrics, PAGE, OFFERS_PER_TURN);
    }

    /** With smaller pages and turns, for tests. */
    ListingSweep(ObjectStore store, List<StoreUri> prefixes, Duration interval, Duration lookback, Clock clock,
                 BuilderMetrics metrics, int pageSize, int offersPerTurn) {
        this.store = store;
        this.prefixes = List.copyOf(prefixes);
        this.interval = interval;
        this.lookback = lookback;
        this.clock = clock;
        this.metrics = metrics;
        this.pageSize = pageSize;
        this.offersPerTurn = offersPerTurn;
    }

    /** True while a sweep is under way (the loop then does not wait for messages between its steps). */
    public boolean running() {
        return state != null && state.running();
    }

    /** When the next step is due: now while a sweep runs (or before the checkpoint was read), else at the next start. */
    Instant nextTurn(Instant now) {
        if (!loaded || running() || state == null) {
            Instant retry = headTries != null && headTries.notBefore != null ? headTries.notBefore : now;
            return turnTries != null && turnTries.notBefore != null && turnTries.notBefore.isAfter(retry) ? turnTries.notBefore : retry;
        }
        return state.startedAt().plus(interval);
    }

    /**
     * One bounded step of the periodic sweep: starts one when due, lists a page when the last one is done, offers
     * objects of the page, records where it is. Errors of the store are handled here (the sweep waits, the loop
     * goes on); only {@link Fenced} and a test's kill are thrown.
     */
    public void turn(BatchEngine engine, Retries retries, Runnable keepAlive) {
        Instant now = clock.instant();
        if (turnTries != null && !turnTries.due(now)) {
            return;
        }
        try {
            step(engine, retries, keepAlive, now);
            turnTries = null;
        } catch (Fenced e) {
            throw e;
        } catch (RuntimeException e) {
            if (engine.isKill(e)) {
                throw e;
            }
            if (turnTries == null) {
                turnTries = retries.track();
            }
            retries.failed(turnTries, e, Dependency.S3);
            LOG.warn("reconciliation step failed, next try at {}: {}", turnTries.notBefore, e.toString());
        }
    }

    private void step(BatchEngine engine, Retries retries, Runnable keepAlive, Instant now) {
        if (!loaded) {
            state = engine.ledger().sweepCheckpoint(NAME).orElse(null);
            saved = state;
            loaded = true;
            if (running() && !locations().equals(state.locations())) {
                LOG.info("the reconciliation started at {} listed {}; starting one of {}", state.startedAt(),
                        state.locations(), locations());
                state = null;
            } else if (running()) {
                LOG.info("resuming the reconciliation started at {} from {} of {}", state.startedAt(),
                        state.startAfter() == null ? "the start" : state.startAfter(), state.locations());
            }
        }
        if (!running()) {
            if (state != null && now.isBefore(state.startedAt().plus(interval))) {
                return;
            }
            state = new Checkpoint(locations(), now, now.minus(lookback), 0, null, null, new Summary(0, 0, 0, 0, 0));
            page.clear();
            pageMore = false;
            LOG.info("reconciliation started: {} objects modified after {}", prefixes, state.newerThan());
        }
        if (page.isEmpty()) {
            if (state.prefix() >= prefixes.size()) {
                finish(engine.ledger(), now);
                return;
            }
            ObjectStore.Page p = store.listPage(prefixes.get(state.prefix()), state.startAfter(), pageSize);
            page.addAll(p.objects());
            pageMore = p.more();
            keepAlive.run();
            if (page.isEmpty()) {
                state = state.nextPrefix();
                save(engine.ledger());
                return;
            }
        }
        offer(engine, retries, keepAlive);
        if (page.isEmpty() && !pageMore) {
            state = state.nextPrefix();
        }
        save(engine.ledger());
    }

    private void offer(BatchEngine engine, Retries retries, Runnable keepAlive) {
        Instant started = clock.instant();
        int offered = 0;
        while (!page.isEmpty() && offered < offersPerTurn && clock.instant().isBefore(started.plus(TURN_BUDGET))) {
            if (headTries != null && !headTries.due(clock.instant()) || retries.isDown(Dependency.S3)) {
                return;
            }
            ObjectStore.ObjectInfo o = page.peek();
            Summary s = state.summary();
            if (o.lastModified() != null && !o.lastModified().isAfter(state.newerThan())) {
                done(o, new Summary(s.listed() + 1, s.accepted(), s.duplicates(), s.quarantined(), s.skippedOlder() + 1));
                continue;
            }
            ObjectEvent e = new ObjectEvent(o.location().bucket(), o.location().key(), o.size(), o.etag(), null, o.lastModified());
            offered++;
            try {
                BatchEngine.Outcome.Kind kind = engine.offer(e, true).kind();
                retries.answered(Dependency.S3);
                done(o, count(s, kind));
                keepAlive.run();
            } catch (Fenced f) {
                throw f;
            } catch (RuntimeException failure) {
                if (engine.isKill(failure)) {
                    throw failure;
                }
                if (headTries == null) {
                    headTries = retries.track();
                }
                boolean setAside = retries.failed(headTries, failure, Dependency.S3);
                LOG.warn("reconciliation: {} failed ({} times), next try at {}: {}", o.location(), headTries.failures,
                        headTries.notBefore, failure.toString());
                if (!setAside) {
                    return;
                }
                String origin = "listing-" + Ledger.fileId(e.bucket(), e.key(), e.etag(), null);
                if (engine.quarantine().recordFailed(origin, e, headTries.lastError, headTries.failures, clock.instant())) {
                    metrics.recordsFailed.increment();
                }
                LOG.error("reconciliation: {} set aside after {} failures: {}", o.location(), headTries.failures, headTries.lastError);
                done(o, new Summary(s.listed() + 1, s.accepted(), s.duplicates(), s.quarantined(), s.skippedOlder()));
            }
        }
    }

    private void done(ObjectStore.ObjectInfo o, Summary s) {
        page.poll();
        headTries = null;
        state = state.at(o.location().key(), s);
    }

    private void finish(Ledger ledger, Instant now) {
        state = state.completed(now);
        save(ledger);
        Summary s = state.summary();
        if (s.accepted() > 0 || s.quarantined() > 0) {
            LOG.warn("reconciliation of {} found {} files whose notification never arrived ({} quarantined)",
                    prefixes, s.accepted(), s.quarantined());
        }
        LOG.info("reconciliation started at {} done: {}", state.startedAt(), s);
    }

    private List<String> locations() {
        return prefixes.stream().map(StoreUri::toString).toList();
    }

    /** Records the position when it moved; a write that fails is tried again at the next step. */
    private void save(Ledger ledger) {
        if (state.equals(saved)) {
            return;
        }
        ledger.recordSweepCheckpoint(NAME, state);
        saved = state;
    }

    private static Summary count(Summary s, BatchEngine.Outcome.Kind kind) {
        return switch (kind) {
            case ACCEPTED -> new Summary(s.listed() + 1, s.accepted() + 1, s.duplicates(), s.quarantined(), s.skippedOlder());
            case DUPLICATE -> new Summary(s.listed() + 1, s.accepted(), s.duplicates() + 1, s.quarantined(), s.skippedOlder());
            case QUARANTINED -> new Summary(s.listed() + 1, s.accepted(), s.duplicates(), s.quarantined() + 1, s.skippedOlder());
            case GONE -> new Summary(s.listed() + 1, s.accepted(), s.duplicates(), s.quarantined(), s.skippedOlder());
        };
    }

    /** Offers every object under the prefix modified after {@code newerThan} (null = all) to the engine. */
    public static Summary feed(ObjectStore store, BatchEngine engine, StoreUri prefix, Instant newerThan) {
        long listed = 0;
        long accepted = 0;
        long duplicates = 0;
        long quarantined = 0;
        long older = 0;
        for (ObjectStore.ObjectInfo o : store.list(prefix)) {
            listed++;
            if (newerThan != null && o.lastModified() != null && !o.lastModified().isAfter(newerThan)) {
                older++;
                continue;
            }
            ObjectEvent e = new ObjectEvent(o.location().bucket(), o.location().key(), o.size(), o.etag(), null,
                    o.lastModified());
            switch (engine.offer(e, true).kind()) {
                case ACCEPTED -> accepted++;
                case DUPLICATE -> duplicates++;
                case QUARANTINED -> quarantined++;
                case GONE -> { }
            }
        }
        return new Summary(listed, accepted, duplicates, quarantined, older);
    }
}
