package dev.ndjsonparquet.controller.dispatch;

import dev.ndjsonparquet.manifest.InvalidManifestException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The services the dispatcher calls, and which of them it is waiting on. A failed call (the API server or
 * spark-operator's webhook down, S3 throttling or unreachable, SQS unreachable) is not the message's fault: the
 * message stays in flight, its visibility extended, instead of coming back and spending one of its receives; the
 * failed call is tried again after a back-off that doubles from {@code base} up to {@code cap}, and one success of
 * it ends the wait. While a call on the path of a new message fails, nothing new is received (receiving it would
 * only hold it). Read by {@code /readyz} and the {@code waiting_on_dependency} gauge from another thread. The
 * back-off paces calls in real time, like the loop's pause, so its clock is the system's, not the dispatcher's
 * business clock (which tests stop).
 */
final class Dependencies {

    /** A service the dispatcher calls. */
    enum Service {
        KUBERNETES, S3, SQS;

        /** The metric label and the name people read. */
        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One kind of call to a service, e.g. (KUBERNETES, "create SparkApplication"). */
    record Call(Service service, String what) {
        @Override
        public String toString() {
            return service.label() + " (" + what + ")";
        }
    }

    /** Thrown instead of a failed call's error, or instead of a call that is backing off: the work waits. */
    static final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Call call;

        Unavailable(Call call, String message, Throwable cause) {
            super(message, cause);
            this.call = call;
        }
    }

    /** The calls a new message needs: while one of them fails, no message is received. */
    private static final Set<String> INTAKE = Set.of(Calls.LIST, Calls.CREATE, Calls.LOAD_MANIFEST, Calls.LIST_MARKERS, Calls.RECEIVE);

    /** Names of the calls, one place. */
    static final class Calls {
        static final String LIST = "list applications";
        static final String LIST_PODS = "list pods";
        static final String CREATE = "create application";
        static final String PATCH = "annotate application";
        static final String STOP = "stop application";
        static final String DELETE = "delete application";
        static final String LOAD_MANIFEST = "read manifest";
        static final String LIST_MARKERS = "list attempt markers";
        static final String RECEIVE = "receive";
        static final String EXTEND = "change visibility";
        static final String DELETE_MESSAGE = "delete message";
        static final String SEND_DEAD_LETTER = "send dead letter";
        static final String DEPTH = "queue attributes";

        private Calls() {
        }
    }

    private record Outage(Instant since, int failures, Instant lastTry, Instant nextTry, String error) {
    }

    private final Clock clock;
    private final Duration base;
    private final Duration cap;
    private final Map<Call, Outage> outages = new LinkedHashMap<>();

    Dependencies(Clock clock, Duration base, Duration cap) {
        this.clock = clock;
        this.base = base.isZero() || base.isNegative() ? Duration.ofMillis(1) : base;
        this.cap = cap.compareTo(this.base) < 0 ? this.base : cap;
    }

    /**
     * Runs the call unless it is backing off. Its failure is recorded and thrown as {@link Unavailable}; a manifest
     * the store says is invalid is an answer, not a failure, and is thrown as it is.
     */
    <T> T call(Service service, String what, Supplier<T> call) {
        Call c = new Call(service, what);
        Instant now = clock.instant();
        synchronized (this) {
            Outage o = outages.get(c);
            if (o != null && now.isBefore(o.nextTry())) {
                throw new Unavailable(c, "waiting on " + c + " until " + o.nextTry() + ": " + o.error(), null);
            }
        }
        T result;
        try {
            result = call.get();
        } catch (InvalidManifestException e) {
            succeeded(c);
            throw e;
        } catch (RuntimeException e) {
            Outage o = failed(c, e, now);
            throw new Unavailable(c, c + " failed (" + o.failures() + " time(s) since " + o.since() + "; next try at "
                    + o.nextTry() + "): " + e, e);
        }
        succeeded(c);
        return result;
    }

    void run(Service service, String what, Runnable call) {
        call(service, what, () -> {
            call.run();
            return null;
        });
    }

    private synchronized void succeeded(Call c) {
        outages.remove(c);
    }

    private synchronized Outage failed(Call c, RuntimeException e, Instant now) {
        Outage before = outages.get(c);
        int failures = before == null ? 1 : before.failures() + 1;
        Duration wait = base.multipliedBy(1L << Math.min(20, failures - 1));
        Outage o = new Outage(before == null ? now : before.since(), failures, now, now.plus(wait.compareTo(cap) > 0 ? cap : wait),
                e.getClass().getSimpleName() + ": " + e.getMessage());
        outages.put(c, o);
        return o;
    }

    /** Forgets every outage (a replica that stops leading looks again from scratch when it leads again). */
    synchronized void reset() {
        outages.clear();
    }

    /** A call a new message needs is failing: receive nothing now. */
    synchronized boolean blockIntake() {
        dropStale();
        return outages.keySet().stream().anyMatch(c -> INTAKE.contains(c.what()));
    }

    /** The services with a failing call, now. */
    synchronized Set<Service> failing() {
        dropStale();
        Set<Service> out = java.util.EnumSet.noneOf(Service.class);
        outages.keySet().forEach(c -> out.add(c.service()));
        return out;
    }

    /** What the dispatcher waits on, for people: empty when nothing fails. */
    synchronized Optional<String> waitingOn() {
        dropStale();
        if (outages.isEmpty()) {
            return Optional.empty();
        }
        Map<Service, List<String>> by = new EnumMap<>(Service.class);
        outages.forEach((c, o) -> by.computeIfAbsent(c.service(), s -> new ArrayList<>()).add(c.what() + " failing since "
                + o.since() + ", " + o.failures() + " time(s): " + o.error()));
        List<String> parts = new ArrayList<>();
        by.forEach((s, calls) -> parts.add(s.label() + " (" + String.join("; ", calls) + ")"));
        return Optional.of("waiting on " + String.join(", ", parts));
    }

    /** An outage whose call was not tried again for long (nothing needs it any more) is forgotten. */
    private void dropStale() {
        Instant now = clock.instant();
        outages.values().removeIf(o -> o.lastTry().plus(cap.multipliedBy(4)).isBefore(now));
    }
}
