package dev.ndjsonparquet.tools.soak;

import dev.ndjsonparquet.controller.k8s.LeaseLeadership;
import java.time.Duration;

/**
 * One replica of the builder or the dispatcher in the soak: its own clients (through the proxies, under its own caller
 * name), its own Lease candidacy and its own thread. {@link #stop} is a clean shutdown (the Lease released); a kill is
 * placed through {@link Callers} and happens inside one of its calls, after which every call it makes is refused, as
 * for a dead process; the replica's thread then ends by itself.
 */
abstract class Replica implements AutoCloseable {

    /** Lease timings shorter than production's (15 s, 10 s, 2 s), so that leadership moves within a round: a renewal that
     * meets two faults in a row loses it. */
    static final Duration LEASE = Duration.ofSeconds(10);
    static final Duration RENEW = Duration.ofSeconds(8);
    static final Duration RETRY = Duration.ofSeconds(2);

    final String name;
    final Callers callers;
    private final Thread thread;
    volatile boolean stopped;
    volatile LeaseLeadership leadership;

    Replica(String name, Callers callers) {
        this.name = name;
        this.callers = callers;
        this.thread = new Thread(this::runReplica, "soak-" + name);
        this.thread.setDaemon(true);
    }

    final Replica start() {
        thread.start();
        return this;
    }

    /** Runs until stopped or killed. */
    abstract void body();

    private void runReplica() {
        try {
            body();
        } catch (RuntimeException e) {
            if (!killed()) {
                throw e;
            }
        } finally {
            LeaseLeadership l = leadership;
            if (l != null) {
                l.close(); // a killed replica's release is refused by the proxy: its Lease expires
            }
        }
    }

    boolean running() {
        return !stopped && !killed();
    }

    boolean killed() {
        return callers.isDead(name);
    }

    boolean isLeader() {
        LeaseLeadership l = leadership;
        return l != null && l.isLeader() && running();
    }

    boolean alive() {
        return thread.isAlive();
    }

    /** A clean shutdown, as a pod's termination. */
    void stop() {
        stopped = true;
    }

    @Override
    public void close() {
        stop();
        try {
            thread.join(Duration.ofSeconds(60).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
