package dev.ndjsonparquet.controller.builder;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists prefixes and offers every object to the engine: the {@code backfill} command once, the builder's
 * periodic reconciliation (off by default) for notifications that never arrived. The ledger makes a file
 * seen both ways count once. (The {@code reconcile-*} settings name the periodic use; this is an S3 listing, not a
 * Kubernetes reconciler.)
 */
public final class ListingSweep {

    private static final Logger LOG = LoggerFactory.getLogger(ListingSweep.class);

    /** What one listing did. */
    public record Summary(long listed, long accepted, long duplicates, long quarantined, long skippedOlder) {
    }

    private final ObjectStore store;
    private final List<StoreUri> prefixes;
    private final Duration interval;
    private final Duration lookback;
    private final Clock clock;
    private Instant lastRun;

    public ListingSweep(ObjectStore store, List<StoreUri> prefixes, Duration interval, Duration lookback, Clock clock) {
        this.store = store;
        this.prefixes = List.copyOf(prefixes);
        this.interval = interval;
        this.lookback = lookback;
        this.clock = clock;
    }

    /** Lists when the interval has passed since the last listing (the first one runs at start). */
    public void runIfDue(BatchEngine engine) {
        Instant now = clock.instant();
        if (lastRun != null && now.isBefore(lastRun.plus(interval))) {
            return;
        }
        lastRun = now;
        for (StoreUri prefix : prefixes) {
            Summary s = feed(store, engine, prefix, now.minus(lookback));
            if (s.accepted() > 0 || s.quarantined() > 0) {
                LOG.warn("reconciliation of {} found {} files whose notification never arrived ({} quarantined)",
                        prefix, s.accepted(), s.quarantined());
            }
        }
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
