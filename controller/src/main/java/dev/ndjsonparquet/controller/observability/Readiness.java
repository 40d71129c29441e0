package dev.ndjsonparquet.controller.observability;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code /readyz} answers for a controller replica: ready when a leader is elected (this replica holds the
 * Lease, or it has seen another replica hold it and stands by) and its queues answer. The queue probe is one cheap
 * call (queue attributes), made at most once per {@code probeEvery} whatever the kubelet's period; an exception
 * counts as unreachable (no IAM permission, wrong URL, no network). Changes are logged with their reason, so a
 * replica that stops being ready says why.
 */
public final class Readiness implements BooleanSupplier {

    private static final Logger LOG = LoggerFactory.getLogger(Readiness.class);

    private final String role;
    private final BooleanSupplier leaderElected;
    private final BooleanSupplier queuesAnswer;
    private final Clock clock;
    private final Duration probeEvery;
    private Instant lastProbe;
    private boolean queuesOk;
    private String reason = "not checked yet";
    private Boolean lastAnswer;
    private Supplier<Optional<String>> waitingOn = Optional::empty;
    private String waiting;

    /**
     * @param role          the controller role, for the log
     * @param leaderElected true when this replica leads or another replica's Lease is observed
     * @param queuesAnswer  one call to each queue the role reads; false or an exception means unreachable
     * @param clock         the clock
     * @param probeEvery    the longest a queue answer is reused
     */
    public Readiness(String role, BooleanSupplier leaderElected, BooleanSupplier queuesAnswer, Clock clock, Duration probeEvery) {
        this.role = role;
        this.leaderElected = leaderElected;
        this.queuesAnswer = queuesAnswer;
        this.clock = clock;
        this.probeEvery = probeEvery;
    }

    /**
     * Also not ready while {@code waitingOn} names a dependency the replica is waiting for (an outage it backs
     * off from: which one, since when, the last error), and says so in {@link #reason()}.
     */
    public synchronized Readiness waitingOn(Supplier<Optional<String>> waitingOn) {
        this.waitingOn = waitingOn;
        return this;
    }

    @Override
    public synchronized boolean getAsBoolean() {
        Instant now = clock.instant();
        if (lastProbe == null || Duration.between(lastProbe, now).compareTo(probeEvery) >= 0) {
            lastProbe = now;
            try {
                queuesOk = queuesAnswer.getAsBoolean();
                reason = queuesOk ? "" : "the queues do not answer";
            } catch (RuntimeException e) {
                queuesOk = false;
                reason = "the queues do not answer: " + e.getClass().getSimpleName() + ": " + e.getMessage();
            }
        }
        boolean elected;
        try {
            elected = leaderElected.getAsBoolean();
        } catch (RuntimeException e) {
            elected = false;
        }
        try {
            waiting = waitingOn.get().map(w -> "waiting on " + w).orElse(null);
        } catch (RuntimeException e) {
            waiting = null;
        }
        boolean ready = elected && queuesOk && waiting == null;
        String why = ready ? "leader elected, queues answer" : !elected ? "no leader elected yet (Lease not observed)"
                : !queuesOk ? reason : waiting;
        if (lastAnswer == null || lastAnswer != ready) {
            if (ready) {
                LOG.info("{} ready: {}", role, why);
            } else {
                LOG.warn("{} not ready: {}", role, why);
            }
            lastAnswer = ready;
        }
        return ready;
    }

    /** Why the last answer was what it was. */
    public synchronized String reason() {
        return Boolean.TRUE.equals(lastAnswer) ? "ready" : (lastAnswer == null ? "not checked yet"
                : waiting != null && queuesOk ? waiting
                : (reason.isEmpty() ? "no leader elected yet (Lease not observed)" : reason));
    }
}
