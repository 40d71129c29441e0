package dev.ndjsonparquet.controller.builder;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.Optional;
import java.util.function.Supplier;

/** The builder's meters. Names follow Prometheus conventions once exported. */
public final class BuilderMetrics {

    private final MeterRegistry registry;
    final Counter eventsReceived;
    final Counter filesAccepted;
    final Counter duplicates;
    final Counter manifestsWritten;
    final Counter malformedMessages;
    final Counter batchesStopped;
    final Timer batchFill;
    final Counter recordsFailed;
    private final Map<QuarantineReason, Counter> quarantined = new EnumMap<>(QuarantineReason.class);
    /** What the gauges read; set by the process and by each leader term, registered once at zero. */
    private final AtomicReference<BooleanSupplier> leading = new AtomicReference<>(() -> false);
    private final AtomicReference<Supplier<Duration>> oldestWaiting = new AtomicReference<>(() -> Duration.ZERO);
    private final Map<Dependency, Counter> dependencyErrors = new EnumMap<>(Dependency.class);
    private final DependencyWaits waits = new DependencyWaits();

    public BuilderMetrics(MeterRegistry registry) {
        this.registry = registry;
        eventsReceived = Counter.builder("ndjson_parquet_builder_events_received")
                .description("Object-created records received (notifications and listings)").register(registry);
        filesAccepted = Counter.builder("ndjson_parquet_builder_files_accepted")
                .description("Files claimed into a batch").register(registry);
        duplicates = Counter.builder("ndjson_parquet_builder_files_duplicate")
                .description("Records for files already claimed or quarantined").register(registry);
        manifestsWritten = Counter.builder("ndjson_parquet_builder_manifests_written")
                .description("Manifests written and sent to the manifest queue").register(registry);
        malformedMessages = Counter.builder("ndjson_parquet_builder_messages_malformed")
                .description("Ingest messages in no known format (left to the queue's redrive policy) and unreadable records of readable messages (recorded under the quarantine location)").register(registry);
        batchesStopped = Counter.builder("ndjson_parquet_builder_batches_stopped")
                .description("Batches not shipped because their manifest, rebuilt from the closing record, has another id than the one recorded at close (left in the ledger for an operator)").register(registry);
        batchFill = Timer.builder("ndjson_parquet_builder_batch_fill")
                .description("Time from a batch's first file to its manifest being sent").register(registry);
        recordsFailed = Counter.builder("ndjson_parquet_builder_records_failed")
                .description("Readable records set aside after failing repeatedly while other work succeeded (recorded under the quarantine location's failed-events/)").register(registry);
        for (Dependency d : Dependency.values()) {
            Gauge.builder("ndjson_parquet_builder_waiting_on_dependency", () -> waits.isWaiting(d) ? 1 : 0).tag("dependency", d.label())
                    .description("1 while the builder backs off because calls to this dependency fail as in an outage (timeouts, refused connections, throttling, 5xx, 401/403), holding its messages in flight")
                    .register(registry);
            dependencyErrors.put(d, Counter.builder("ndjson_parquet_builder_dependency_errors").tag("dependency", d.label())
                    .description("Calls to this dependency that failed as in an outage").register(registry));
        }
        for (QuarantineReason r : QuarantineReason.values()) {
            quarantined.put(r, Counter.builder("ndjson_parquet_builder_files_quarantined").tag("reason", r.code())
                    .description("Files put in quarantine, by reason").register(registry));
        }
        // Gauges exist from start-up (an alert can tell "no leader" from "no builder"), over what is set later.
        Gauge.builder("ndjson_parquet_builder_leader", () -> leading.get().getAsBoolean() ? 1 : 0)
                .description("1 while this replica holds the builder Lease").register(registry);
        Gauge.builder("ndjson_parquet_builder_oldest_waiting_file_age_seconds", () -> oldestWaiting.get().get().toMillis() / 1000.0)
                .description("Age of the oldest file in the open batch (0 when none waits)").register(registry);
    }

    /** The builder Lease's holder test, for the leader gauge. */
    public void leader(BooleanSupplier isLeader) {
        leading.set(isLeader);
    }

    void quarantined(QuarantineReason reason) {
        quarantined.get(reason).increment();
    }

    void dependencyError(Dependency d) {
        dependencyErrors.get(d).increment();
    }

    /** What the builder waits for; shared by every term of this process, read by the readiness endpoint. */
    public DependencyWaits waits() {
        return waits;
    }

    /** "waiting on s3 (since ...): error", or empty when the builder waits for nothing: for /readyz. */
    public Optional<String> waitingOn() {
        return waits.describe();
    }

    public double failedRecordCount() {
        return recordsFailed.count();
    }

    public double dependencyErrorCount(Dependency d) {
        return dependencyErrors.get(d).count();
    }

    void batchFilled(Duration d) {
        batchFill.record(d);
    }

    /**
     * Points the oldest-waiting-file gauge at this engine's state (each leader term has its own engine: registering a
     * gauge again would have kept reading the first term's).
     */
    void oldestWaiting(Supplier<Duration> age) {
        oldestWaiting.set(age);
    }

    public double quarantinedCount(QuarantineReason reason) {
        return quarantined.get(reason).count();
    }

    public double acceptedCount() {
        return filesAccepted.count();
    }

    public double duplicateCount() {
        return duplicates.count();
    }

    public double manifestCount() {
        return manifestsWritten.count();
    }

    public double malformedCount() {
        return malformedMessages.count();
    }

    public double stoppedBatchCount() {
        return batchesStopped.count();
    }

    public double eventCount() {
        return eventsReceived.count();
    }
}
