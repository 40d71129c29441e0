package dev.ndjsonparquet.controller.builder;

import dev.ndjsonparquet.controller.aws.SqsQueue;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The one place the manifest builder is put together from its typed settings: the production
 * {@code builder} and {@code backfill} commands, the local pipeline and the end-to-end tests all call it, so
 * that a setting added to {@link BuilderSettings} reaches every path. What differs between them (the object
 * store, the SQS client, the clock, the step hook of fault tests, the ledger owner) is passed in. The SQS client
 * is wrapped here in the {@link SqsQueue} adapters of the settings' queues, the dispatcher's adapter, so the
 * builder's classes see no SDK type.
 */
public final class BuilderAssembly {

    private BuilderAssembly() {
    }

    /** The batching engine of {@code owner} (one ledger term per owner), shipping to the settings' manifest queue. */
    public static BatchEngine engine(BuilderSettings settings, ObjectStore store, SqsClient sqs, BuilderMetrics metrics,
                                     Step.StepHook hook, Clock clock, String owner) {
        ManifestShipper shipper = new ManifestShipper(store, settings.manifestLocation(),
                new SqsQueue(sqs, settings.manifestQueueUrl()));
        return new BatchEngine(settings, store, shipper, metrics, hook, clock, owner);
    }

    /** The ingest loop feeding {@code engine}, with the periodic listing sweep when the settings turn it on. */
    public static IngestLoop loop(BuilderSettings settings, BatchEngine engine, ObjectStore store, SqsClient sqs,
                                  BuilderMetrics metrics, Step.StepHook hook, Clock clock) {
        return new IngestLoop(new SqsQueue(sqs, settings.ingestQueueUrl()), engine, metrics, hook, clock,
                settings.ingestVisibilitySeconds(), sweep(settings, store, metrics, clock));
    }

    /** The periodic listing the settings describe, or null when reconcile-interval-seconds is 0. */
    static ListingSweep sweep(BuilderSettings settings, ObjectStore store, BuilderMetrics metrics, Clock clock) {
        return settings.reconcileIntervalSeconds() > 0
                ? new ListingSweep(store, settings.reconcileLocations(), Duration.ofSeconds(settings.reconcileIntervalSeconds()),
                        Duration.ofHours(settings.reconcileLookbackHours()), clock, metrics)
                : null;
    }
}
