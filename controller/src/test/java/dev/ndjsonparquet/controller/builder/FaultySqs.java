package dev.ndjsonparquet.controller.builder;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/**
 * An SQS client whose chosen calls are applied and then throw, like a timeout after SQS acted, or are refused
 * before being sent, like an outage. It can record every call the builder makes on the ingest queue with the
 * time of a clock, so a test can check every visibility change rather than sample the queue.
 */
final class FaultySqs implements SqsClient {

    /** The SQS calls the builder makes. */
    enum Call { RECEIVE, SEND, DELETE, CHANGE_VISIBILITY }

    /**
     * One call that reached SQS, as the builder made it: for a receive, the messages' ids and receipts; for a
     * visibility change or a delete, the receipts SQS accepted; {@code seconds} the visibility timeout asked for.
     */
    record Logged(Call call, Instant at, Map<String, String> receiptToMessage, List<String> receipts, int seconds,
                  boolean threw) {
    }

    private final SqsClient delegate;
    private final Map<Call, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final Map<Call, AtomicInteger> thrown = new ConcurrentHashMap<>();
    private final Call failing;
    private final int nth;
    private volatile boolean fired;
    private final Predicate<Call> random;
    private volatile Predicate<Call> refuse = c -> false;
    private volatile Clock clock;
    private final List<Logged> log = new CopyOnWriteArrayList<>();
    private final List<String> lost = new CopyOnWriteArrayList<>();

    /** Throws after applying the {@code nth} call of kind {@code failing}. */
    FaultySqs(SqsClient delegate, Call failing, int nth) {
        this.delegate = delegate;
        this.failing = failing;
        this.nth = nth;
        this.random = c -> false;
    }

    /** Throws after applying any call the predicate picks (a seeded choice). */
    FaultySqs(SqsClient delegate, Predicate<Call> pick) {
        this.delegate = delegate;
        this.failing = null;
        this.nth = 0;
        this.random = pick;
    }

    /** An SQS client that only records (and refuses what {@link #refuseWhen} says). */
    static FaultySqs recording(SqsClient delegate, Clock clock) {
        FaultySqs s = new FaultySqs(delegate, c -> false);
        s.clock = clock;
        return s;
    }

    /** Refuses the calls the predicate picks before they reach SQS (connection refused). */
    FaultySqs refuseWhen(Predicate<Call> rule) {
        refuse = rule;
        return this;
    }

    boolean fired() {
        return fired;
    }

    int calls(Call c) {
        return calls.computeIfAbsent(c, k -> new AtomicInteger()).get();
    }

    int thrown(Call c) {
        return thrown.computeIfAbsent(c, k -> new AtomicInteger()).get();
    }

    List<Logged> log() {
        return List.copyOf(log);
    }

    /** Receipts of messages a receive took in flight before it threw (the builder never saw them); cleared. */
    List<String> takeLost() {
        List<String> out = List.copyOf(lost);
        lost.removeAll(out);
        return out;
    }

    private void before(Call c) {
        if (refuse.test(c)) {
            thrown.computeIfAbsent(c, k -> new AtomicInteger()).incrementAndGet();
            if (clock != null) {
                log.add(new Logged(c, clock.instant(), Map.of(), List.of(), 0, true));
            }
            throw SdkClientException.builder().message("injected: SQS " + c + " refused: connection refused").build();
        }
    }

    private void after(Call c) {
        int n = calls.computeIfAbsent(c, k -> new AtomicInteger()).incrementAndGet();
        if (c == failing && n == nth || random.test(c)) {
            fired = true;
            thrown.computeIfAbsent(c, k -> new AtomicInteger()).incrementAndGet();
            throw ApiCallTimeoutException.builder().message("injected: SQS " + c + " applied, then timed out").build();
        }
    }

    @Override
    public ReceiveMessageResponse receiveMessage(ReceiveMessageRequest request) {
        before(Call.RECEIVE);
        ReceiveMessageResponse r = delegate.receiveMessage(request);
        if (clock != null) {
            Map<String, String> got = new java.util.LinkedHashMap<>();
            for (Message m : r.messages()) {
                got.put(m.receiptHandle(), m.messageId());
            }
            log.add(new Logged(Call.RECEIVE, clock.instant(), got, List.copyOf(got.keySet()),
                    request.visibilityTimeout() == null ? 0 : request.visibilityTimeout(), false));
        }
        if (!r.messages().isEmpty()) {
            try {
                after(Call.RECEIVE);
            } catch (RuntimeException e) {
                r.messages().forEach(m -> lost.add(m.receiptHandle()));
                throw e;
            }
        }
        return r;
    }

    @Override
    public SendMessageResponse sendMessage(SendMessageRequest request) {
        before(Call.SEND);
        SendMessageResponse r = delegate.sendMessage(request);
        after(Call.SEND);
        return r;
    }

    @Override
    public DeleteMessageBatchResponse deleteMessageBatch(DeleteMessageBatchRequest request) {
        before(Call.DELETE);
        DeleteMessageBatchResponse r = delegate.deleteMessageBatch(request);
        if (clock != null) {
            List<String> failed = r.failed().stream().map(BatchResultErrorEntry::id).toList();
            log.add(new Logged(Call.DELETE, clock.instant(), Map.of(), request.entries().stream()
                    .filter(e -> !failed.contains(e.id())).map(DeleteMessageBatchRequestEntry::receiptHandle).toList(), 0, false));
        }
        after(Call.DELETE);
        return r;
    }

    @Override
    public ChangeMessageVisibilityBatchResponse changeMessageVisibilityBatch(ChangeMessageVisibilityBatchRequest request) {
        before(Call.CHANGE_VISIBILITY);
        ChangeMessageVisibilityBatchResponse r = delegate.changeMessageVisibilityBatch(request);
        if (clock != null) {
            List<String> failed = r.failed().stream().map(BatchResultErrorEntry::id).toList();
            List<ChangeMessageVisibilityBatchRequestEntry> ok = request.entries().stream().filter(e -> !failed.contains(e.id())).toList();
            log.add(new Logged(Call.CHANGE_VISIBILITY, clock.instant(), Map.of(),
                    ok.stream().map(ChangeMessageVisibilityBatchRequestEntry::receiptHandle).toList(),
                    ok.isEmpty() ? 0 : ok.get(0).visibilityTimeout(), false));
        }
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
