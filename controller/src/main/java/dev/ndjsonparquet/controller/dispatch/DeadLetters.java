package dev.ndjsonparquet.controller.dispatch;

import dev.ndjsonparquet.controller.aws.SqsQueue;
import dev.ndjsonparquet.controller.dispatch.Dependencies.Calls;
import dev.ndjsonparquet.controller.dispatch.Dependencies.Service;
import dev.ndjsonparquet.controller.observability.DispatcherMetrics;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead-letter queue: a poison message at once (never run, never retried); a manifest that failed every attempt of
 * its round once the decision is recorded on its last run ({@code docs/dispatcher.md}, "Dead-letter decision"). The
 * decision first (durable, idempotent), then the dead letter, then "sent", then the message(s) deleted, then the run
 * stopped if it may still run: a copy delivered later, or a successor after a kill, finds the decision and sends no
 * second dead letter. Each dead letter carries its reason, which attempts ran, and a key the same for every copy.
 */
final class DeadLetters {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
    private static final int MAX_REASON = 8 * 1024;
    /** Kubernetes allows 256 KiB of annotations in all; a reason is cut well below that. */
    private static final int MAX_ANNOTATION = 4 * 1024;

    private final SqsQueue queue;
    private final SqsQueue deadLetters;
    private final SparkOperator operator;
    private final InFlight held;
    private final Dependencies dependencies;
    private final LeaderCheck leader;
    private final DispatcherMetrics metrics;
    private final Clock clock;

    DeadLetters(SqsQueue queue, SqsQueue deadLetters, SparkOperator operator, InFlight held, Dependencies dependencies,
                LeaderCheck leader, DispatcherMetrics metrics, Clock clock) {
        this.queue = queue;
        this.deadLetters = deadLetters;
        this.operator = operator;
        this.held = held;
        this.dependencies = dependencies;
        this.leader = leader;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** A refused message: dead-lettered with the reason and deleted; nothing was run, read or deleted for it. */
    void poison(SqsQueue.Received m, String reason) {
        LOG.warn("poison message {} dead-lettered: {}", m.messageId(), reason);
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("cause", "poison");
        attrs.put("reason", truncate(reason, MAX_REASON));
        attrs.put("sourceMessageId", m.messageId());
        attrs.put("receiveCount", Integer.toString(m.receiveCount()));
        attrs.put("deadLetterKey", "poison/" + m.messageId());
        leader.ensure();
        dependencies.call(Service.SQS, Calls.SEND_DEAD_LETTER, () -> deadLetters.send(m.body(), attrs));
        dependencies.run(Service.SQS, Calls.DELETE_MESSAGE, () -> queue.delete(m.receiptHandle()));
        metrics.deadLettered("poison");
    }

    /** Records the decision on the run (durable, idempotent), then finishes the dead-lettering. */
    void decide(Tracked t, Run run, String reason, OwnedRuns runs) {
        metrics.failed();
        String full = reason + "; last attempt " + run.attempt() + " (" + run.name() + ")"
                + (run.firstAttempt() > 1 ? ", a round that started at attempt " + run.firstAttempt() : "");
        leader.ensure();
        Run marked = dependencies.call(Service.KUBERNETES, Calls.PATCH,
                () -> operator.annotate(run.name(), Map.of(Labels.DEAD_LETTER_REASON, truncate(full, MAX_ANNOTATION))));
        runs.put(marked);
        finish(t, marked, runs);
    }

    /** Sends the dead letter unless it was sent already, settles every delivery, then stops the run if it may still run. */
    void finish(Tracked t, Run run, OwnedRuns runs) {
        String reason = run.deadLetterReason();
        if (!run.deadLetterSent()) {
            int rounds = run.attempt() - Math.min(run.firstAttempt(), run.attempt()) + 1;
            Map<String, String> attrs = new LinkedHashMap<>();
            attrs.put("cause", "failed");
            attrs.put("reason", truncate(reason, MAX_REASON));
            attrs.put("attempts", Integer.toString(rounds));
            attrs.put("lastAttempt", Integer.toString(run.attempt()));
            attrs.put("manifestId", t.manifestId);
            attrs.put("application", run.name());
            attrs.put("sourceMessageId", t.firstMessageId());
            // The same for every copy: a send that failed after taking effect is sent again (SQS standard
            // queues have no idempotent send), and whoever reads the dead letters drops copies by this key.
            attrs.put("deadLetterKey", t.manifestId + "/attempt-" + run.attempt());
            leader.ensure();
            dependencies.call(Service.SQS, Calls.SEND_DEAD_LETTER, () -> deadLetters.send(t.deliveries.get(0).body, attrs));
            Run sent = dependencies.call(Service.KUBERNETES, Calls.PATCH,
                    () -> operator.annotate(run.name(), Map.of(Labels.DEAD_LETTER_SENT, clock.instant().toString())));
            runs.put(sent);
            metrics.deadLettered("failed");
            LOG.warn("manifest dead-lettered: {}", reason);
            operator.warn(run, "DeadLettered", reason);
        } else {
            LOG.info("manifest dead-lettered already; settling {} more message(s) without another dead letter", t.deliveries.size());
        }
        // The message(s) before the stop: a stop that deletes the application (Apache's 1.0.0) takes the decision with
        // it, and a kill between the two would bring the message back to a manifest with no record of its dead letter.
        // A run left unstopped by a kill here is stopped by the next step's housekeeping (dead-lettered, not in flight).
        held.settle(t);
        stopIfItMayRun(run);
    }

    /**
     * A dead-lettered run that may still run (not finished, or a submission that failed after its driver may have
     * started) is stopped, so it cannot go on converting without a message behind it.
     */
    void stopIfItMayRun(Run run) {
        if (run.mayStillRun() && !run.stopRequested()) {
            leader.ensure();
            dependencies.run(Service.KUBERNETES, Calls.STOP, () -> operator.stop(run.name()));
        }
    }

    static String truncate(String s, int max) {
        if (s == null) {
            return "";
        }
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }
}
