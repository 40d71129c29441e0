package dev.ndjsonparquet.controller.builder;

import dev.ndjsonparquet.controller.dispatch.DispatcherSettings;
import dev.ndjsonparquet.location.AllowedInputs;
import dev.ndjsonparquet.location.LocationSettings;
import dev.ndjsonparquet.settings.ResolvedSettings;
import dev.ndjsonparquet.settings.Setting;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Every setting of the manifest builder, declared once (the queue, AWS and metrics settings the dispatcher
 * shares are {@link DispatcherSettings}' declarations), and the immutable values read from them.
 *
 * @param ingestQueueUrl          SQS queue of S3 ObjectCreated notifications (null for backfill)
 * @param manifestQueueUrl        SQS queue the manifest messages go to
 * @param manifestLocation        where manifests are written
 * @param outputLocation          Parquet table root written into each manifest
 * @param quarantineLocation      where quarantined copies or references and reason records go
 * @param ledgerLocation          where the ledger of claimed files and open batches lives
 * @param schemaUri               optional schema reference written into each manifest
 * @param maxFilesPerManifest     batch closes at this many files
 * @param maxBatchBytes           batch never exceeds this many bytes (unless one file alone does)
 * @param maxBatchAgeSeconds      batch closes when its oldest file waited this long
 * @param sizeBand                accepted file sizes
 * @param patterns                accepted file names
 * @param allowedInputs           where accepted files may be (the dispatcher's and the driver's list too)
 * @param quarantineMode          copy or reference
 * @param reconcileIntervalSeconds 0 = no periodic reconciliation listing
 * @param reconcileLocations      prefixes the reconciliation lists
 * @param reconcileLookbackHours  reconciliation looks at objects modified this recently
 * @param ingestVisibilitySeconds visibility timeout given to ingest messages while their batch fills
 * @param awsRegion               AWS region
 * @param awsEndpointUrl          optional endpoint override (ElasticMQ, S3Mock, MinIO, LocalStack)
 * @param leaseName               Kubernetes Lease that elects the single active builder
 * @param metricsPort             port of /metrics, /healthz and /readyz
 */
public record BuilderSettings(
        String ingestQueueUrl,
        String manifestQueueUrl,
        StoreUri manifestLocation,
        String outputLocation,
        StoreUri quarantineLocation,
        StoreUri ledgerLocation,
        String schemaUri,
        int maxFilesPerManifest,
        long maxBatchBytes,
        int maxBatchAgeSeconds,
        SizeBand sizeBand,
        NamePatterns patterns,
        AllowedInputs allowedInputs,
        QuarantineMode quarantineMode,
        int reconcileIntervalSeconds,
        List<StoreUri> reconcileLocations,
        int reconcileLookbackHours,
        int ingestVisibilitySeconds,
        String awsRegion,
        URI awsEndpointUrl,
        String leaseName,
        int metricsPort) {

    /** How a quarantined file is kept: a copy of the object, or only a record pointing at the source. */
    public enum QuarantineMode { COPY, REFERENCE }

    public static final long MB = 1024L * 1024;
    public static final long GB = 1024L * MB;

    public static final Setting<String> INGEST_QUEUE_URL = Setting.string("ingest-queue-url")
            .env("INGEST_QUEUE_URL").required()
            .describedAs("URL of the SQS queue that receives the input bucket's ObjectCreated notifications (S3 or EventBridge format)")
            .build();
    public static final Setting<String> MANIFEST_LOCATION = Setting.string("manifest-location")
            .env("MANIFEST_LOCATION").required().check(BuilderSettings::storeUriProblem)
            .describedAs("s3://bucket/prefix/ where manifests are written, one object <manifest-id>.json each")
            .build();
    public static final Setting<String> OUTPUT_LOCATION = Setting.string("output-location")
            .env("OUTPUT_LOCATION").required().check(BuilderSettings::outputUriProblem)
            .describedAs("Parquet table root written into each manifest's output field (s3a://bucket/prefix)")
            .build();
    public static final Setting<String> QUARANTINE_LOCATION = Setting.string("quarantine-location")
            .env("QUARANTINE_LOCATION").required().check(BuilderSettings::storeUriProblem)
            .describedAs("s3://bucket/prefix/ for quarantined files (copies or references) and their reason records")
            .build();
    public static final Setting<String> LEDGER_LOCATION = Setting.string("ledger-location")
            .env("LEDGER_LOCATION").required().check(BuilderSettings::storeUriProblem)
            .describedAs("s3://bucket/prefix/ of the ledger: one claim object per file (conditional put), open batch records")
            .build();
    public static final Setting<String> SCHEMA_URI = Setting.string("schema-uri")
            .env("SCHEMA_URI")
            .describedAs("Optional schema file URI written into each manifest; unset = the Spark job infers the schema")
            .build();
    public static final Setting<Integer> MAX_FILES_PER_MANIFEST = Setting.integer("max-files-per-manifest")
            .env("MAX_FILES_PER_MANIFEST").defaultValue(100).atLeast(1)
            .describedAs("A batch closes when it holds this many files (the original design's MAX_FILES_PER_MANIFEST)")
            .build();
    public static final Setting<Double> MAX_BATCH_SIZE_GB = Setting.decimal("max-batch-size-gb")
            .env("MAX_BATCH_SIZE_GB").defaultValue(500.0)
            .check(v -> v > 0 ? Optional.empty() : Optional.of("must be positive"))
            .describedAs("Safety cap: a manifest never exceeds this many GiB; a file that would cross it starts the next batch")
            .build();
    public static final Setting<Integer> MAX_BATCH_AGE_SECONDS = Setting.integer("max-batch-age-seconds")
            .env("MAX_BATCH_AGE_SECONDS").defaultValue(300).atLeast(1)
            .describedAs("A batch closes when its oldest file has waited this long, full or not")
            .build();
    public static final Setting<Long> MIN_FILE_SIZE_MB = Setting.longInt("min-file-size-mb")
            .env("MIN_FILE_SIZE_MB").defaultValue(3000L).atLeast(0)
            .describedAs("Smallest accepted file in MiB; smaller files are quarantined. 0 = no lower bound")
            .build();
    public static final Setting<Long> MAX_FILE_SIZE_MB = Setting.longInt("max-file-size-mb")
            .env("MAX_FILE_SIZE_MB").defaultValue(5000L).atLeast(0)
            .describedAs("Largest accepted file in MiB; larger files are quarantined. 0 = no upper bound")
            .build();
    public static final Setting<String> INCLUDE_PATTERNS = Setting.string("include-patterns")
            .env("INCLUDE_PATTERNS").defaultValue(NamePatterns.DEFAULT_INCLUDE).check(NamePatterns::problem)
            .describedAs("Comma-separated globs on the object key (* any text including /, ? one character, {a,b} either; "
                    + "case-insensitive); a file must match one")
            .build();
    public static final Setting<String> EXCLUDE_PATTERNS = Setting.string("exclude-patterns")
            .env("EXCLUDE_PATTERNS").defaultValue("").check(NamePatterns::problem)
            .describedAs("Comma-separated globs on the object key; a matching file is quarantined as excluded-name")
            .build();
    public static final Setting<QuarantineMode> QUARANTINE_MODE = Setting.oneOf("quarantine-mode", QuarantineMode.class)
            .env("QUARANTINE_MODE").defaultValue(QuarantineMode.COPY)
            .describedAs("copy: copy the object into the quarantine location; reference: write only the reason record. "
                    + "The source object is never deleted")
            .build();
    public static final Setting<Integer> RECONCILE_INTERVAL_SECONDS = Setting.integer("reconcile-interval-seconds")
            .env("RECONCILE_INTERVAL_SECONDS").defaultValue(0).atLeast(0)
            .describedAs("Every this many seconds list reconcile-location to catch notifications that never arrived; 0 = off")
            .build();
    public static final Setting<String> RECONCILE_LOCATION = Setting.string("reconcile-location")
            .env("RECONCILE_LOCATION").check(BuilderSettings::storeUriListProblem)
            .describedAs("Comma-separated s3://bucket/prefix/ the reconciliation lists (required when reconciliation is on)")
            .build();
    public static final Setting<Integer> RECONCILE_LOOKBACK_HOURS = Setting.integer("reconcile-lookback-hours")
            .env("RECONCILE_LOOKBACK_HOURS").defaultValue(24).atLeast(1)
            .describedAs("The reconciliation considers objects modified within this many hours")
            .build();
    public static final Setting<Integer> INGEST_VISIBILITY_SECONDS = Setting.integer("ingest-visibility-seconds")
            .env("INGEST_VISIBILITY_SECONDS").defaultValue(300).atLeast(2)
            .describedAs("Visibility timeout of received ingest messages; extended at half this period until their batch ships")
            .build();
    /**
     * The builder's own Lease. Not the dispatcher's {@code lease-name} constant: its default names the
     * dispatcher's Lease, and two roles electing over one Lease would leave one of them idle.
     */
    public static final Setting<String> LEASE_NAME = Setting.string("lease-name")
            .env("LEASE_NAME").defaultValue("ndjson-parquet-builder")
            .describedAs("Kubernetes Lease that elects the single active builder")
            .build();

    /** Declared once for the builder, the dispatcher and the Spark driver. */
    public static final Setting<AllowedInputs> ALLOWED_INPUTS = LocationSettings.ALLOWED_INPUTS;
    public static final Setting<String> MANIFEST_QUEUE_URL = DispatcherSettings.MANIFEST_QUEUE_URL;
    public static final Setting<String> AWS_REGION = DispatcherSettings.AWS_REGION;
    public static final Setting<URI> AWS_ENDPOINT_URL = DispatcherSettings.AWS_ENDPOINT_URL;
    public static final Setting<Integer> METRICS_PORT = DispatcherSettings.METRICS_PORT;

    /** Everything the long-running builder reads. */
    public static final List<Setting<?>> ALL = List.of(
            INGEST_QUEUE_URL, MANIFEST_QUEUE_URL, MANIFEST_LOCATION, OUTPUT_LOCATION, QUARANTINE_LOCATION,
            LEDGER_LOCATION, SCHEMA_URI, MAX_FILES_PER_MANIFEST, MAX_BATCH_SIZE_GB, MAX_BATCH_AGE_SECONDS,
            MIN_FILE_SIZE_MB, MAX_FILE_SIZE_MB, INCLUDE_PATTERNS, EXCLUDE_PATTERNS, ALLOWED_INPUTS, QUARANTINE_MODE,
            RECONCILE_INTERVAL_SECONDS, RECONCILE_LOCATION, RECONCILE_LOOKBACK_HOURS, INGEST_VISIBILITY_SECONDS,
            AWS_REGION, AWS_ENDPOINT_URL, LEASE_NAME, METRICS_PORT);

    /** What the one-shot backfill reads: no ingest queue, no lease, no reconciliation. */
    public static final List<Setting<?>> BACKFILL = List.of(
            MANIFEST_QUEUE_URL, MANIFEST_LOCATION, OUTPUT_LOCATION, QUARANTINE_LOCATION,
            LEDGER_LOCATION, SCHEMA_URI, MAX_FILES_PER_MANIFEST, MAX_BATCH_SIZE_GB, MAX_BATCH_AGE_SECONDS,
            MIN_FILE_SIZE_MB, MAX_FILE_SIZE_MB, INCLUDE_PATTERNS, EXCLUDE_PATTERNS, ALLOWED_INPUTS, QUARANTINE_MODE,
            AWS_REGION, AWS_ENDPOINT_URL);

    /** Reads resolved settings once; settings a command did not declare are left at null / their default. */
    public static BuilderSettings from(ResolvedSettings r, List<Setting<?>> declared) {
        int interval = declared.contains(RECONCILE_INTERVAL_SECONDS) ? r.get(RECONCILE_INTERVAL_SECONDS) : 0;
        String reconcile = declared.contains(RECONCILE_LOCATION) ? r.get(RECONCILE_LOCATION) : null;
        if (interval > 0 && (reconcile == null || reconcile.isBlank())) {
            throw new dev.ndjsonparquet.settings.SettingsException(List.of(
                    "reconcile-location is required when reconcile-interval-seconds is above 0"));
        }
        return new BuilderSettings(
                declared.contains(INGEST_QUEUE_URL) ? r.get(INGEST_QUEUE_URL) : null,
                r.get(MANIFEST_QUEUE_URL),
                StoreUri.parse(r.get(MANIFEST_LOCATION)),
                r.get(OUTPUT_LOCATION),
                StoreUri.parse(r.get(QUARANTINE_LOCATION)),
                StoreUri.parse(r.get(LEDGER_LOCATION)),
                r.get(SCHEMA_URI),
                r.get(MAX_FILES_PER_MANIFEST),
                (long) (r.get(MAX_BATCH_SIZE_GB) * GB),
                r.get(MAX_BATCH_AGE_SECONDS),
                new SizeBand(r.get(MIN_FILE_SIZE_MB) * MB, r.get(MAX_FILE_SIZE_MB) * MB),
                NamePatterns.of(r.get(INCLUDE_PATTERNS), r.get(EXCLUDE_PATTERNS)),
                r.get(ALLOWED_INPUTS),
                r.get(QUARANTINE_MODE),
                interval,
                reconcile == null ? List.of() : StoreUri.parseList(reconcile),
                declared.contains(RECONCILE_LOOKBACK_HOURS) ? r.get(RECONCILE_LOOKBACK_HOURS) : 24,
                declared.contains(INGEST_VISIBILITY_SECONDS) ? r.get(INGEST_VISIBILITY_SECONDS) : 300,
                r.get(AWS_REGION),
                r.get(AWS_ENDPOINT_URL),
                declared.contains(LEASE_NAME) ? r.get(LEASE_NAME) : null,
                declared.contains(METRICS_PORT) ? r.get(METRICS_PORT) : 0);
    }

    /**
     * These settings with another size band: for scenarios whose files are bytes, not MiB (the end-to-end tests
     * quarantine a file above 64 KiB), which the MiB-sized declarations cannot say.
     */
    public BuilderSettings withSizeBand(SizeBand band) {
        return new BuilderSettings(ingestQueueUrl, manifestQueueUrl, manifestLocation, outputLocation, quarantineLocation,
                ledgerLocation, schemaUri, maxFilesPerManifest, maxBatchBytes, maxBatchAgeSeconds, band, patterns,
                allowedInputs, quarantineMode, reconcileIntervalSeconds, reconcileLocations, reconcileLookbackHours, ingestVisibilitySeconds,
                awsRegion, awsEndpointUrl, leaseName, metricsPort);
    }

    /** The batch policy these settings describe. */
    public BatchPolicy batchPolicy() {
        return new BatchPolicy(maxFilesPerManifest, maxBatchBytes, java.time.Duration.ofSeconds(maxBatchAgeSeconds));
    }

    /** The file checks these settings describe. */
    public Admission admission() {
        return new Admission(patterns, sizeBand, allowedInputs);
    }

    private static Optional<String> storeUriProblem(String value) {
        try {
            StoreUri.parse(value);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** A table root in S3, or a local directory's file: URI (the local pipeline's table; the dispatcher's allowed-outputs decides). */
    private static Optional<String> outputUriProblem(String value) {
        return value.startsWith("file:/") ? Optional.empty() : storeUriProblem(value);
    }

    private static Optional<String> storeUriListProblem(String value) {
        try {
            StoreUri.parseList(value);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }
}
