package dev.ndjsonparquet.controller.dispatch;

import dev.ndjsonparquet.controller.aws.SqsQueue;
import dev.ndjsonparquet.controller.dispatch.Dependencies.Calls;
import dev.ndjsonparquet.controller.dispatch.Dependencies.Service;
import dev.ndjsonparquet.controller.observability.DispatcherMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a step does besides its manifests: dead-lettered runs that may still run are stopped (after a kill between a
 * dead letter and its stop), finished runs beyond {@code history-limit} are deleted once their message is gone and
 * two visibility timeouts after they finished, and the queue depth gauge is refreshed. None of it holds up the
 * manifests: a failure here is logged and tried again later.
 */
final class Housekeeping {

    private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);

    private final SqsQueue queue;
    private final SparkOperator operator;
    private final DeadLetters deadLetters;
    private final Dependencies dependencies;
    private final LeaderCheck leader;
    private final DispatcherMetrics metrics;
    private final int historyLimit;
    private final Duration minAge;
    private final Dispatcher.Timing timing;
    private Instant lastDepth = Instant.EPOCH;
    private Instant lastHistory = Instant.EPOCH;

    Housekeeping(SqsQueue queue, SparkOperator operator, DeadLetters deadLetters, Dependencies dependencies, LeaderCheck leader,
                 DispatcherMetrics metrics, Dispatcher.Limits limits, Dispatcher.Timing timing) {
        this.queue = queue;
        this.operator = operator;
        this.deadLetters = deadLetters;
        this.dependencies = dependencies;
        this.leader = leader;
        this.metrics = metrics;
        this.historyLimit = limits.historyLimit();
        this.minAge = Duration.ofSeconds(2L * limits.visibilityTimeoutSeconds());
        this.timing = timing;
    }

    /** After the manifests of a step, with the runs it saw. */
    void afterStep(OwnedRuns runs, InFlight held, Instant now) {
        Set<String> inFlight = held.manifestIds();
        for (Run r : runs.all()) {
            if (r.deadLettered() && !inFlight.contains(r.manifestId())) {
                quietly("stop dead-lettered application " + r.name(), () -> deadLetters.stopIfItMayRun(r));
            }
        }
        if (Duration.between(lastHistory, now).compareTo(timing.historyEvery()) >= 0) {
            lastHistory = now;
            trimHistory(List.copyOf(runs.all()), inFlight, now);
        }
    }

    private void trimHistory(List<Run> owned, Set<String> inFlight, Instant now) {
        Set<String> pending = new HashSet<>();
        for (Run r : owned) {
            if (inFlight.contains(r.manifestId())) {
                pending.add(r.name());
            }
        }
        for (String name : History.toDelete(owned, pending, historyLimit, now, minAge)) {
            LOG.info("deleting finished application {} beyond the history limit of {}", name, historyLimit);
            quietly("delete application " + name, () -> {
                leader.ensure();
                dependencies.call(Service.KUBERNETES, Calls.DELETE, () -> operator.delete(name));
            });
        }
    }

    void refreshDepth(Instant now) {
        if (Duration.between(lastDepth, now).compareTo(timing.depthEvery()) >= 0) {
            lastDepth = now;
            quietly("read the queue depth", () -> dependencies.call(Service.SQS, Calls.DEPTH, queue::approximateDepth)
                    .ifPresent(metrics::queueDepth));
        }
    }

    private static void quietly(String what, Runnable work) {
        try {
            work.run();
        } catch (Dependencies.Unavailable e) {
            LOG.warn("could not {} now: {}", what, e.getMessage());
        }
    }
}
