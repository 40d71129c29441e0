package dev.ndjsonparquet.controller.dispatch;

import dev.ndjsonparquet.controller.aws.SqsQueue;
import dev.ndjsonparquet.controller.dispatch.Dependencies.Calls;
import dev.ndjsonparquet.controller.dispatch.Dependencies.Service;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The messages this dispatcher holds in flight: the manifests they asked for ({@link Tracked}, by manifest id) and
 * the messages whose manifest could not be read yet ({@link Arrival}). Every held message is kept hidden each step
 * whatever else fails, so waiting on a dependency spends none of its receives; a message is deleted only once its
 * manifest is settled. Only a cache: what a successor needs is on the runs and in the output's attempt markers.
 */
final class InFlight {

    private static final Logger LOG = LoggerFactory.getLogger(InFlight.class);

    /** A received message whose manifest is not read yet (S3 did not answer). */
    record Arrival(SqsQueue.Received message, Tracked.Delivery delivery) {
    }

    private final SqsQueue queue;
    private final Dependencies dependencies;
    private final LeaderCheck leader;
    private final int visibilitySeconds;
    private final Map<String, Tracked> manifests = new LinkedHashMap<>();
    private final List<Arrival> arrivals = new ArrayList<>();

    InFlight(SqsQueue queue, Dependencies dependencies, LeaderCheck leader, int visibilitySeconds) {
        this.queue = queue;
        this.dependencies = dependencies;
        this.leader = leader;
        this.visibilitySeconds = visibilitySeconds;
    }

    List<Tracked> manifests() {
        return List.copyOf(manifests.values());
    }

    Set<String> manifestIds() {
        return Set.copyOf(manifests.keySet());
    }

    Tracked manifest(String manifestId) {
        return manifests.get(manifestId);
    }

    void track(Tracked t) {
        manifests.put(t.manifestId, t);
    }

    List<Arrival> arrivals() {
        return List.copyOf(arrivals);
    }

    Arrival hold(SqsQueue.Received m, Instant now) {
        Arrival a = new Arrival(m, new Tracked.Delivery(m.messageId(), m.receiptHandle(), m.body(), now.plusSeconds(visibilitySeconds)));
        arrivals.add(a);
        return a;
    }

    void drop(Arrival a) {
        arrivals.remove(a);
    }

    int size() {
        return manifests.size() + arrivals.size();
    }

    /** Forgets everything (this replica stopped leading): the messages come back to the new leader. */
    void forgetAll() {
        manifests.clear();
        arrivals.clear();
    }

    /**
     * Extends the visibility of every held message once half of it has passed: manifests whose last step failed on
     * something other than a dependency (a bug) are left to come back, so a message that always fails is moved by the
     * queue's redrive policy instead of being held for ever.
     */
    void keepHidden(Instant now) {
        for (Tracked t : manifests.values()) {
            if (!t.troubled) {
                t.deliveries.forEach(d -> keepHidden(d, now));
            }
        }
        arrivals.forEach(a -> keepHidden(a.delivery(), now));
    }

    private void keepHidden(Tracked.Delivery d, Instant now) {
        if (now.isBefore(d.visibleUntil.minusSeconds(visibilitySeconds / 2))) {
            return;
        }
        try {
            if (!dependencies.call(Service.SQS, Calls.EXTEND, () -> queue.extendVisibilityIfInFlight(d.receiptHandle, visibilitySeconds))) {
                // SQS answered that it is not in flight any more with this receipt: it comes back and is received
                // again (joining its manifest), or it was deleted. Not SQS failing; asked again in half a visibility.
                LOG.info("message {} is no longer in flight with its receipt; it joins its manifest again when received", d.messageId);
            }
            d.visibleUntil = now.plusSeconds(visibilitySeconds);
        } catch (Dependencies.Unavailable e) {
            LOG.debug("could not extend the visibility of message {}: {}", d.messageId, e.getMessage());
        }
    }

    /** Deletes each of the manifest's messages, forgetting each once deleted, then the manifest (a failed delete is tried again next step). */
    void settle(Tracked t) {
        leader.ensure();
        Iterator<Tracked.Delivery> it = t.deliveries.iterator();
        while (it.hasNext()) {
            Tracked.Delivery d = it.next();
            dependencies.run(Service.SQS, Calls.DELETE_MESSAGE, () -> queue.delete(d.receiptHandle));
            it.remove();
        }
        manifests.remove(t.manifestId);
    }

    /** After an unexpected failure (a bug, not a dependency): the message comes back soon and spends a receive. */
    void releaseSoon(Arrival a) {
        arrivals.remove(a);
        try {
            queue.extendVisibility(a.message().receiptHandle(), Math.min(30, visibilitySeconds));
        } catch (RuntimeException e) {
            LOG.warn("could not shorten the visibility of message {}: {}", a.message().messageId(), e.toString());
        }
    }
}
