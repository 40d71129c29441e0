package dev.ndjsonparquet.controller.observability;

import dev.ndjsonparquet.controller.k8s.ApplicationState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The dispatcher's metrics, all prefixed {@code ndjson_parquet_dispatcher_} in Prometheus: messages
 * received, applications created/adopted/succeeded/failed/retried, messages dead-lettered (by cause),
 * active applications, queue depth, leadership, the time applications spend in each state, and which dependency
 * (Kubernetes, S3, SQS) the dispatcher is waiting on.
 */
public final class DispatcherMetrics {

    private static final String P = "ndjson_parquet_dispatcher_";

    /**
     * The causes the dispatcher dead-letters with, registered at zero when the metrics are created: an alert on
     * {@code increase(...) > 0} sees no increase on a series' first sample, so a counter created by its first use missed
     * the first dead letter of each cause after every restart. A cause not listed here still counts (from its first use).
     */
    public static final List<String> DEAD_LETTER_CAUSES = List.of("poison", "failed");

    private final MeterRegistry registry;
    private final Counter received;
    private final Counter created;
    private final Counter adopted;
    private final Counter succeeded;
    private final Counter failed;
    private final Counter retried;
    private final AtomicLong active = new AtomicLong();
    private final AtomicLong queueDepth = new AtomicLong(-1);
    private final AtomicLong leader = new AtomicLong();
    private final AtomicLong loops = new AtomicLong();
    private final Map<String, AtomicLong> waiting = new ConcurrentHashMap<>();

    public DispatcherMetrics(MeterRegistry registry) {
        this.registry = registry;
        received = Counter.builder(P + "messages_received").description("Manifest messages received from the queue").register(registry);
        // Not "applications_created": Prometheus reserves the _created suffix and would drop it.
        created = Counter.builder(P + "applications_launched").description("SparkApplications created").register(registry);
        adopted = Counter.builder(P + "applications_adopted")
                .description("Existing SparkApplications adopted for a (re-)delivered message instead of creating a second one").register(registry);
        succeeded = Counter.builder(P + "applications_succeeded").description("Applications that COMPLETED (message deleted)").register(registry);
        failed = Counter.builder(P + "applications_failed").description("Application runs that failed or were stuck").register(registry);
        retried = Counter.builder(P + "applications_retried").description("Failed manifests run again after backoff").register(registry);
        Gauge.builder(P + "applications_active", active, AtomicLong::get)
                .description("Active (not finished) SparkApplications of this controller").register(registry);
        Gauge.builder(P + "queue_depth", queueDepth, AtomicLong::get)
                .description("Approximate messages in the manifest queue, visible plus in flight (-1 before the first reading)").register(registry);
        Gauge.builder(P + "leader", leader, AtomicLong::get)
                .description("1 while this replica holds the dispatcher Lease").register(registry);
        // Counters increased by events are registered at zero now, so the first event after a restart is an increase.
        DEAD_LETTER_CAUSES.forEach(cause -> deadLetteredCounter(cause));
        runUsageCounters();
        CAPACITY_TYPES.forEach(type -> executorSecondsCounter(type));
    }

    /** The {@code capacity_type} values of {@code executor_seconds}, registered at zero (alerts see the first increase). */
    public static final List<String> CAPACITY_TYPES = List.of("spot", "on-demand", "unknown");

    private Counter executorSecondsCounter(String capacityType) {
        return Counter.builder(P + "executor_seconds")
                .description("Executor-seconds of finished attempts, by the capacity type of the executors' nodes (spot, on-demand, "
                        + "unknown: node labels not readable), from their pods' binding to their end")
                .tag("capacity_type", capacityType).register(registry);
    }

    /** Executor-seconds an ended attempt's executors held nodes of this capacity type ({@code CapacityLedger}). */
    public void executorSeconds(String capacityType, double seconds) {
        executorSecondsCounter(capacityType).increment(seconds);
    }

    public double executorSecondsCount(String capacityType) {
        Counter c = registry.find(P + "executor_seconds").tag("capacity_type", capacityType).counter();
        return c == null ? 0 : c.count();
    }

    private Counter deadLetteredCounter(String cause) {
        return Counter.builder(P + "messages_dead_lettered").description("Messages sent to the dead-letter queue")
                .tag("cause", cause).register(registry);
    }

    private Counter[] runUsageCounters() {
        return new Counter[] {
            Counter.builder(P + "executor_core_seconds").description("Executor core-seconds held by converted manifests' runs").register(registry),
            Counter.builder(P + "cost_usd").description("Estimated executor cost of converted manifests (executor-core-hour-price-usd)")
                    .register(registry),
            Counter.builder(P + "input_bytes").description("Input bytes of converted manifests").register(registry)};
    }

    public void received() {
        received.increment();
    }

    public void created() {
        created.increment();
    }

    public void adopted() {
        adopted.increment();
    }

    public void succeeded() {
        succeeded.increment();
    }

    public void failed() {
        failed.increment();
    }

    public void retried() {
        retried.increment();
    }

    /** @param cause poison, failed or stuck... a short word */
    public void deadLettered(String cause) {
        deadLetteredCounter(cause).increment();
    }

    /** Files of accepted manifests that the allow-lists refuse: their Spark application quarantines them. */
    public void filesRefused(int n) {
        Counter.builder(P + "files_refused").description("Files of dispatched manifests outside allowed-inputs (or with unsafe paths), quarantined by their Spark application")
                .register(registry).increment(n);
    }

    public void active(long n) {
        active.set(n);
    }

    public void queueDepth(long n) {
        queueDepth.set(n);
    }

    public void leader(boolean isLeader) {
        leader.set(isLeader ? 1 : 0);
    }

    /**
     * What a converted manifest's run held and cost (see {@code RunUsage}), and its input bytes: the cost per
     * TB is {@code cost_usd_total / input_bytes_total * 1e12} over any window.
     */
    public void runUsage(double executorCoreSeconds, double costUsd, long inputBytes) {
        Counter[] counters = runUsageCounters();
        counters[0].increment(executorCoreSeconds);
        counters[1].increment(costUsd);
        counters[2].increment(inputBytes);
    }

    /**
     * How long an ended attempt waited for nodes ({@code CapacityLedger}: the time in which any of its pods had no node,
     * from the pods' creation and binding times); recorded for attempts that waited. No attempt is spent on a wait.
     */
    public void capacityWait(Duration d) {
        Timer.builder(P + "capacity_wait").description("Time ended attempts waited for nodes (any of their driver and executor pods without a node, from the pods' creation and binding times); no attempt is spent on it")
                .register(registry).record(d);
    }

    /** Time an application spent in a state, recorded when it leaves it. */
    public void timeInState(ApplicationState state, Duration d) {
        timeInState(state.name(), d);
    }

    /** Time an application spent in a state (the operator's name for it), recorded when it leaves it. */
    public void timeInState(String state, Duration d) {
        Timer.builder(P + "application_state_duration").description("Time applications spent in each state")
                .tag("state", state).register(registry).record(d);
    }

    /**
     * 1 while a call to {@code dependency} (kubernetes, s3, sqs) fails and the dispatcher waits on it: messages in
     * flight are kept hidden and nothing new is received.
     */
    public void waitingOn(String dependency, boolean isWaiting) {
        waiting.computeIfAbsent(dependency, d -> {
            AtomicLong v = new AtomicLong();
            Gauge.builder(P + "waiting_on_dependency", v, AtomicLong::get)
                    .description("1 while the dispatcher waits on this dependency (calls to it fail; messages are held, none received)")
                    .tag("dependency", d).register(registry);
            return v;
        }).set(isWaiting ? 1 : 0);
    }

    /** Whether the gauge says the dispatcher waits on {@code dependency}. */
    public boolean waitingOn(String dependency) {
        AtomicLong v = waiting.get(dependency);
        return v != null && v.get() == 1;
    }

    /** Counts dispatcher loop iterations (tests wait on it; liveness uses it). */
    public void loop() {
        loops.incrementAndGet();
    }

    public long loops() {
        return loops.get();
    }

    public double count(String name) {
        Counter c = registry.find(P + name).counter();
        return c == null ? 0 : c.count();
    }

    /** How many waits for capacity ended, and their total seconds. */
    public double[] capacityWaits() {
        Timer t = registry.find(P + "capacity_wait").timer();
        return t == null ? new double[] {0, 0} : new double[] {t.count(), t.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS) / 1000.0};
    }

    public double deadLetteredCount(String cause) {
        Counter c = registry.find(P + "messages_dead_lettered").tag("cause", cause).counter();
        return c == null ? 0 : c.count();
    }

    public long activeNow() {
        return active.get();
    }
}
