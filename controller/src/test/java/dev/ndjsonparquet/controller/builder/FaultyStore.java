package dev.ndjsonparquet.controller.builder;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;

/**
 * An {@link ObjectStore} whose writes may take effect and then throw, as a client timeout after the server
 * applied a request does. Every write the builder makes is classified as a {@link Point}; a rule decides,
 * per call, whether that call throws after being applied. Reads can be made to fail too.
 */
final class FaultyStore implements ObjectStore {

    /** Every kind of write the builder makes. */
    enum Point {
        TERM, BATCH_CREATE, MEMBER, CLAIM, CLAIM_REPLACE, BATCH_CLOSE, MANIFEST, SENT_RECORD, OPEN_DELETE,
        QUARANTINE_COPY, QUARANTINE_RECORD, OTHER
    }

    private final ObjectStore delegate;
    private final Map<Point, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final Map<Point, AtomicInteger> thrown = new ConcurrentHashMap<>();
    private volatile BiPredicate<Point, StoreUri> throwAfterApplying = (p, at) -> false;
    private volatile Predicate<StoreUri> failRead = at -> false;
    private volatile java.util.function.BiConsumer<String, StoreUri> before = (op, at) -> { };
    private volatile java.util.function.BiFunction<String, StoreUri, RuntimeException> refuse = (op, at) -> null;
    private final AtomicInteger refused = new AtomicInteger();
    private final java.util.List<String> pageStarts = new java.util.concurrent.CopyOnWriteArrayList<>();

    FaultyStore(ObjectStore delegate) {
        this.delegate = delegate;
    }

    /** Throw after applying the {@code nth} (1-based) write of this point. */
    FaultyStore failNth(Point point, int nth) {
        throwAfterApplying = (p, at) -> p == point && calls.get(p).get() == nth;
        return this;
    }

    FaultyStore failWhen(BiPredicate<Point, StoreUri> rule) {
        throwAfterApplying = rule;
        return this;
    }

    FaultyStore failReadsWhen(Predicate<StoreUri> rule) {
        failRead = rule;
        return this;
    }

    /** Runs before every call ("create", "put", "replace", "get", "read", "head", "list", "copy", "delete"). */
    FaultyStore beforeEach(java.util.function.BiConsumer<String, StoreUri> hook) {
        before = hook;
        return this;
    }

    /**
     * Fails calls before they take effect (an outage, a poison object): the rule gets the operation ("create",
     * "put", "replace", "get", "read", "head", "list", "copy", "delete") and location, and returns what to throw,
     * or null to let the call through.
     */
    FaultyStore refuseWhen(java.util.function.BiFunction<String, StoreUri, RuntimeException> rule) {
        refuse = rule;
        return this;
    }

    /** Calls refused so far. */
    int refused() {
        return refused.get();
    }

    private void maybeRefuse(String op, StoreUri at) {
        RuntimeException e = refuse.apply(op, at);
        if (e != null) {
            refused.incrementAndGet();
            throw e;
        }
    }

    int calls(Point p) {
        return calls.computeIfAbsent(p, k -> new AtomicInteger()).get();
    }

    int thrown(Point p) {
        return thrown.computeIfAbsent(p, k -> new AtomicInteger()).get();
    }

    static Point classify(String op, StoreUri at) {
        String k = at.key();
        if (op.equals("copy")) {
            return Point.QUARANTINE_COPY;
        }
        if (k.contains("ledger/terms/")) {
            return Point.TERM;
        }
        if (k.contains("ledger/files/")) {
            return op.equals("replace") ? Point.CLAIM_REPLACE : Point.CLAIM;
        }
        if (k.contains("ledger/batches/members/")) {
            return Point.MEMBER;
        }
        if (k.contains("ledger/batches/open/")) {
            return switch (op) {
                case "create" -> Point.BATCH_CREATE;
                case "delete" -> Point.OPEN_DELETE;
                default -> Point.BATCH_CLOSE;
            };
        }
        if (k.contains("ledger/batches/sent/")) {
            return Point.SENT_RECORD;
        }
        if (k.startsWith("manifests/")) {
            return Point.MANIFEST;
        }
        if (k.startsWith("quarantine/")) {
            return Point.QUARANTINE_RECORD;
        }
        return Point.OTHER;
    }

    private Point count(String op, StoreUri at) {
        before.accept(op, at);
        maybeRefuse(op, at);
        Point p = classify(op, at);
        calls.computeIfAbsent(p, k -> new AtomicInteger()).incrementAndGet();
        return p;
    }

    private void maybeThrow(Point p, StoreUri at) {
        if (throwAfterApplying.test(p, at)) {
            thrown.computeIfAbsent(p, k -> new AtomicInteger()).incrementAndGet();
            throw ApiCallTimeoutException.builder().message("injected: " + p + " " + at + " applied, then timed out").build();
        }
    }

    private void maybeFailRead(StoreUri at) {
        before.accept("read", at);
        maybeRefuse("read", at);
        if (failRead.test(at)) {
            throw ApiCallTimeoutException.builder().message("injected: read of " + at + " timed out").build();
        }
    }

    @Override
    public boolean putIfAbsent(StoreUri at, byte[] content) {
        Point p = count("create", at);
        boolean created = delegate.putIfAbsent(at, content);
        maybeThrow(p, at);
        return created;
    }

    @Override
    public void put(StoreUri at, byte[] content) {
        Point p = count("put", at);
        delegate.put(at, content);
        maybeThrow(p, at);
    }

    @Override
    public Optional<String> replaceIfMatch(StoreUri at, byte[] content, String etag) {
        Point p = count("replace", at);
        Optional<String> r = delegate.replaceIfMatch(at, content, etag);
        maybeThrow(p, at);
        return r;
    }

    @Override
    public Optional<byte[]> get(StoreUri at) {
        maybeFailRead(at);
        return delegate.get(at);
    }

    @Override
    public Optional<Versioned> read(StoreUri at) {
        maybeFailRead(at);
        return delegate.read(at);
    }

    @Override
    public Optional<ObjectInfo> head(StoreUri at) {
        maybeFailRead(at);
        return delegate.head(at);
    }

    @Override
    public Iterable<ObjectInfo> list(StoreUri prefix) {
        before.accept("list", prefix);
        maybeRefuse("list", prefix);
        return delegate.list(prefix);
    }

    @Override
    public Page listPage(StoreUri prefix, String startAfter, int max) {
        before.accept("list", prefix);
        maybeRefuse("list", prefix);
        pageStarts.add(prefix.key() + " after " + startAfter);
        return delegate.listPage(prefix, startAfter, max);
    }

    /** Every page listed, as "prefix after key" ("after null": from the start), in order. */
    java.util.List<String> pageStarts() {
        return java.util.List.copyOf(pageStarts);
    }

    @Override
    public void copy(StoreUri from, StoreUri to) {
        copy(from, to, bytes -> { });
    }

    @Override
    public void copy(StoreUri from, StoreUri to, java.util.function.LongConsumer copied) {
        Point p = count("copy", to);
        delegate.copy(from, to, copied);
        maybeThrow(p, to);
    }

    @Override
    public void delete(StoreUri at) {
        Point p = count("delete", at);
        delegate.delete(at);
        maybeThrow(p, at);
    }

    @Override
    public String fileUri(StoreUri at) {
        return delegate.fileUri(at);
    }
}
