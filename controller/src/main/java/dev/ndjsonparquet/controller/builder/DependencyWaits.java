package dev.ndjsonparquet.controller.builder;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Which dependencies the builder is waiting for, since when and the last error: set while calls to one fail as
 * in an outage ({@link Dependency#isOutage}), cleared at its first answer. The builder's metrics and its
 * readiness endpoint read it (from other threads).
 */
public final class DependencyWaits {

    /** A dependency the builder waits for. */
    public record Waiting(Dependency dependency, Instant since, String lastError) {
        public String describe() {
            return dependency.label() + " (since " + since + "): " + lastError;
        }
    }

    private final Map<Dependency, Waiting> waiting = new EnumMap<>(Dependency.class);

    synchronized void failed(Dependency d, Throwable e, Instant now) {
        Waiting before = waiting.get(d);
        waiting.put(d, new Waiting(d, before == null ? now : before.since(), String.valueOf(e)));
    }

    synchronized void answered(Dependency d) {
        waiting.remove(d);
    }

    synchronized void clear() {
        waiting.clear();
    }

    public synchronized boolean isWaiting(Dependency d) {
        return waiting.containsKey(d);
    }

    /** "waiting on s3 (since ...): error; sqs (...)", or empty when nothing is awaited. */
    public synchronized Optional<String> describe() {
        return waiting.isEmpty() ? Optional.empty()
                : Optional.of("waiting on " + waiting.values().stream().map(Waiting::describe).collect(Collectors.joining("; ")));
    }
}
