package dev.ndjsonparquet.controller.dispatch;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A manifest the dispatcher is looking after: its current application, the message(s) that asked for it
 * (a duplicate delivery joins the first), and where it is in its life-cycle. Owned by the dispatcher loop.
 * Only a cache: the attempt, the round, the start time and the dead-letter decision are read back from
 * the applications every step, so a new dispatcher that adopts them carries on where this one stopped.
 */
final class Tracked {

    /** One received copy of a message, hidden until {@code visibleUntil}. */
    static final class Delivery {
        final String messageId;
        String receiptHandle;
        final String body;
        Instant visibleUntil;

        Delivery(String messageId, String receiptHandle, String body, Instant visibleUntil) {
            this.messageId = messageId;
            this.receiptHandle = receiptHandle;
            this.body = body;
            this.visibleUntil = visibleUntil;
        }
    }

    final String manifestId;
    final SparkApplicationBuilder.Request request;
    final List<Delivery> deliveries = new ArrayList<>();
    /** The application of the current attempt; null before the first one exists. */
    String applicationName;
    /** The current attempt; 0 before the first one exists. */
    int attempt;
    int firstAttempt = 1;
    /** The operator's state last seen, and since when (the stuck timeout counts from it). */
    String operatorState;
    Instant stateSince;
    /** Since when the current attempt's pods wait for nodes, or null; and the waits of the attempt that ended. */
    Instant capacityWaitSince;
    java.time.Duration capacityWaited = java.time.Duration.ZERO;
    /** The current attempt's use of capacity, from its pods' timestamps (a new one for each attempt). */
    CapacityLedger capacity = new CapacityLedger();
    /** Set while waiting to run the application again. */
    Instant retryAt;
    int nextAttempt;
    /** A redriven dead letter: a new round starts above this attempt (the dead-lettered one) once its run exists. */
    int newRoundAbove;
    /**
     * The last step failed on something other than a dependency (a bug): the message is no longer kept hidden, so
     * it comes back and each return spends a receive, until the redrive policy moves it. Cleared by a good step.
     */
    boolean troubled;

    Tracked(String manifestId, SparkApplicationBuilder.Request request, Instant now) {
        this.manifestId = manifestId;
        this.request = request;
        this.stateSince = now;
    }

    /** Adds a delivery, or refreshes the receipt of a re-delivered one (same message id). */
    void deliveredAgain(Delivery d) {
        for (Delivery existing : deliveries) {
            if (existing.messageId.equals(d.messageId)) {
                existing.receiptHandle = d.receiptHandle;
                existing.visibleUntil = d.visibleUntil;
                return;
            }
        }
        deliveries.add(d);
    }

    /** The message id recorded on applications: the first delivery's. */
    String firstMessageId() {
        return deliveries.isEmpty() ? null : deliveries.get(0).messageId;
    }
}
