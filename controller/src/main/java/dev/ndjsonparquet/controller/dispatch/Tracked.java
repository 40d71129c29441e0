package dev.ndjsonparquet.controller.dispatch;

import dev.ndjsonparquet.controller.k8s.ApplicationState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A manifest the dispatcher is looking after: its application, the message(s) that asked for it (a
 * duplicate delivery joins the first), and where it is in its life-cycle. Owned by the dispatcher loop.
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
    final String applicationName;
    final SparkApplicationBuilder.Request request;
    final List<Delivery> deliveries = new ArrayList<>();
    int attempt;
    ApplicationState state = ApplicationState.NEW;
    Instant stateSince;
    /** Set while waiting to run the application again. */
    Instant retryAt;
    int nextAttempt;

    Tracked(String manifestId, String applicationName, SparkApplicationBuilder.Request request, int attempt, Instant now) {
        this.manifestId = manifestId;
        this.applicationName = applicationName;
        this.request = request;
        this.attempt = attempt;
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
}
