package dev.ndjsonparquet.controller.builder;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/** An SQS client whose chosen call is applied and then throws, like a timeout after SQS acted. */
final class FaultySqs implements SqsClient {

    /** The SQS calls the builder makes. */
    enum Call { RECEIVE, SEND, DELETE, CHANGE_VISIBILITY }

    private final SqsClient delegate;
    private final Map<Call, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final Call failing;
    private final int nth;
    private volatile boolean fired;
    private final java.util.function.Predicate<Call> random;

    /** Throws after applying the {@code nth} call of kind {@code failing}. */
    FaultySqs(SqsClient delegate, Call failing, int nth) {
        this.delegate = delegate;
        this.failing = failing;
        this.nth = nth;
        this.random = c -> false;
    }

    /** Throws after applying any call the predicate picks (a seeded random choice). */
    FaultySqs(SqsClient delegate, java.util.function.Predicate<Call> pick) {
        this.delegate = delegate;
        this.failing = null;
        this.nth = 0;
        this.random = pick;
    }

    boolean fired() {
        return fired;
    }

    private void after(Call c) {
        int n = calls.computeIfAbsent(c, k -> new AtomicInteger()).incrementAndGet();
        if (c == failing && n == nth || random.test(c)) {
            fired = true;
            throw ApiCallTimeoutException.builder().message("injected: SQS " + c + " applied, then timed out").build();
        }
    }

    @Override
    public ReceiveMessageResponse receiveMessage(ReceiveMessageRequest request) {
        ReceiveMessageResponse r = delegate.receiveMessage(request);
        if (!r.messages().isEmpty()) {
            after(Call.RECEIVE);
        }
        return r;
    }

    @Override
    public SendMessageResponse sendMessage(SendMessageRequest request) {
        SendMessageResponse r = delegate.sendMessage(request);
        after(Call.SEND);
        return r;
    }

    @Override
    public DeleteMessageBatchResponse deleteMessageBatch(DeleteMessageBatchRequest request) {
        DeleteMessageBatchResponse r = delegate.deleteMessageBatch(request);
        after(Call.DELETE);
        return r;
    }

    @Override
    public ChangeMessageVisibilityBatchResponse changeMessageVisibilityBatch(ChangeMessageVisibilityBatchRequest request) {
        ChangeMessageVisibilityBatchResponse r = delegate.changeMessageVisibilityBatch(request);
        after(Call.CHANGE_VISIBILITY);
        return r;
    }

    @Override
    public String serviceName() {
        return delegate.serviceName();
    }

    @Override
    public void close() {
        // the shared client belongs to the test servers
    }
}
