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
 * counts as unreachable (no IAM permission, wrong URL, no network). A replica that says it is waiting on a
 * dependency (its calls to Kubernetes, S3 or SQS fail, so it holds its messages and receives none) is not ready
 * either, and says which. Changes are logged with their reason, so a replica that stops being ready says why.
 */
public final class Readiness implements BooleanSupplier {

    private static final Logger LOG = LoggerFactory.getLogger(Readiness.class);

    private final String role;
    private final BooleanSupplier leaderElected;
    private final BooleanSupplier queuesAnswer;
    private final Clock clock;
    private final Duration probeEvery;
    private final Supplier<Optional<String>> waitingOn;
    private Instant lastProbe;
    private boolean queuesOk;
    private String reason = "not checked yet";
    private Boolean lastAnswer;
    private String lastWhy;

    /**
     * @param role          the controller role, for the log
     * @param leaderElected true when this replica leads or another replica's Lease is observed
     * @param queuesAnswer  one call to each queue the role reads; false or an exception means unreachable
     * @param clock         the clock
     * @param probeEvery    the longest a queue answer is reused
     */
    public Readiness(String role, BooleanSupplier leaderElected, BooleanSupplier queuesAnswer, Clock clock, Duration probeEvery) {
        this(role, leaderElected, queuesAnswer, Optional::empty, clock, probeEvery);
    }

    /**
     * @param waitingOn what the replica's work loop waits on ("waiting on kubernetes (...)"), or empty
     */
    public Readiness(String role, BooleanSupplier leaderElected, BooleanSupplier queuesAnswer, Supplier<Optional<String>> waitingOn,
                     Clock clock, Duration probeEvery) {
        this.waitingOn = waitingOn;
        this.role = role;
        this.leaderElected = leaderElected;
        this.queuesAnswer = queuesAnswer;
        this.clock = clock;
        this.probeEvery = probeEvery;
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
        Optional<String> waiting = waitingOn.get();
        boolean ready = elected && queuesOk && waiting.isEmpty();
        String why = ready ? "leader elected, queues answer" : !elected ? "no leader elected yet (Lease not observed)"
                : !queuesOk ? reason : waiting.get();
        lastWhy = why;
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
                : (lastWhy != null ? lastWhy : reason.isEmpty() ? "no leader elected yet (Lease not observed)" : reason));
    }
}
