package dev.ndjsonparquet.controller.dispatch;

import dev.ndjsonparquet.controller.k8s.RoleSpec;
import dev.ndjsonparquet.controller.k8s.SparkApplication;
import dev.ndjsonparquet.controller.k8s.SparkApplicationSpec;
import dev.ndjsonparquet.location.DriverChecks;
import dev.ndjsonparquet.manifest.ExecutorSizing;
import dev.ndjsonparquet.manifest.Manifest;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a manifest into the SparkApplication that converts it: the operator's template plus what the
 * dispatcher decides (name, labels, annotations, entry point, arguments, executor count). Pure.
 */
public final class SparkApplicationBuilder {

    /** The Spark application's entry point (spark-app module). */
    public static final String MAIN_CLASS = "dev.ndjsonparquet.spark.ConvertManifest";

    /**
     * One application to build.
     *
     * @param manifest    the loaded, validated manifest
     * @param manifestUri where it is; the Spark application reads it from there
     * @param messageId   the SQS message that asked for it (for people tracing a run back)
     * @param attempt     which run of this manifest (1-based); passed to the driver as {@code --attempt}
     * @param firstAttempt the first attempt of this round (1, or where a redriven dead letter started)
     * @param startedAt   when this attempt is created, or null to leave it out (render)
     * @param checks      what the driver checks again before it deletes or writes anything (the manifest's
     *                    SHA-256, the allow-lists), passed as arguments; null for none
     */
    public record Request(Manifest manifest, String manifestUri, String messageId, int attempt, int firstAttempt,
                          java.time.Instant startedAt, DriverChecks checks) {
        public Request(Manifest manifest, String manifestUri, String messageId, int attempt) {
            this(manifest, manifestUri, messageId, attempt, 1, null, null);
        }

        /** The same manifest, attempt {@code n} of the round starting at {@code first}, created at {@code at}. */
        public Request attempt(int n, int first, java.time.Instant at, String message) {
            return new Request(manifest, manifestUri, message, n, first, at, checks);
        }

        /** The same request, with what the driver is to check again. */
        public Request checkedBy(DriverChecks driverChecks) {
            return new Request(manifest, manifestUri, messageId, attempt, firstAttempt, startedAt, driverChecks);
        }
    }

    private final ApplicationTemplate template;
    private final ExecutorSizing sizing;
    private final List<String> extraArguments;
    private final String namespace;

    public SparkApplicationBuilder(ApplicationTemplate template, ExecutorSizing sizing, List<String> extraArguments, String namespace) {
        this.template = template;
        this.sizing = sizing;
        this.extraArguments = List.copyOf(extraArguments);
        this.namespace = namespace;
    }

    /** The label selector of the applications this dispatcher owns (see {@link Labels#ownedSelector}). */
    public Map<String, String> ownedSelector() {
        return Labels.ownedSelector(template.parse());
    }

    public SparkApplication build(Request r) {
        Manifest m = r.manifest();
        SparkApplication app = template.parse();
        String name = Labels.applicationName(m.manifestId(), r.attempt());

        ObjectMeta meta = app.getMetadata() == null ? new ObjectMeta() : app.getMetadata();
        ObjectMeta fresh = new ObjectMeta();
        fresh.setName(name);
        fresh.setNamespace(namespace);
        fresh.setLabels(merge(meta.getLabels(), ownLabels(m.manifestId())));
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(Labels.MANIFEST_URI, r.manifestUri());
        annotations.put(Labels.FILE_COUNT, Integer.toString(m.fileCount()));
        annotations.put(Labels.TOTAL_BYTES, Long.toString(m.totalBytes()));
        if (r.messageId() != null) {
            annotations.put(Labels.MESSAGE_ID, r.messageId());
        }
        annotations.put(Labels.ATTEMPT, Integer.toString(r.attempt()));
        annotations.put(Labels.FIRST_ATTEMPT, Integer.toString(r.firstAttempt()));
        if (r.startedAt() != null) {
            annotations.put(Labels.STARTED_AT, r.startedAt().toString());
        }
        fresh.setAnnotations(merge(meta.getAnnotations(), annotations));
        app.setMetadata(fresh);

        SparkApplicationSpec spec = app.getSpec();
        spec.setType("Java");
        spec.setMode("cluster");
        spec.setMainClass(MAIN_CLASS);
        // --attempt fences a stale driver (contract 1): the Spark application commits only as the current attempt.
        List<String> args = new ArrayList<>(List.of("--manifest", r.manifestUri(), "--attempt", Integer.toString(r.attempt())));
        // The pin and the allow-lists: the driver checks the manifest it reads against what the dispatcher checked.
        if (r.checks() != null) {
            args.addAll(r.checks().arguments());
        }
        args.addAll(extraArguments);
        spec.setArguments(args);

        RoleSpec driver = spec.getDriver() == null ? new RoleSpec() : spec.getDriver();
        driver.setLabels(merge(driver.getLabels(), podLabels(m.manifestId())));
        spec.setDriver(driver);
        RoleSpec executor = spec.getExecutor() == null ? new RoleSpec() : spec.getExecutor();
        executor.setLabels(merge(executor.getLabels(), podLabels(m.manifestId())));
        executor.setInstances(sizing.executorsFor(m.totalBytes()));
        spec.setExecutor(executor);
        app.setStatus(null);
        return app;
    }

    /** The attempt number recorded on an application; 1 when absent or unreadable. */
    public static int attemptOf(SparkApplication app) {
        return Labels.attemptOf(app.getMetadata());
    }

    /** The first attempt of the application's round; 1 when absent or unreadable. */
    public static int firstAttemptOf(SparkApplication app) {
        return Labels.firstAttemptOf(app.getMetadata());
    }

    /** When the attempt was created: the started-at annotation, else the creation timestamp, else null. */
    public static java.time.Instant startedAt(SparkApplication app) {
        return Labels.startedAt(app.getMetadata());
    }

    private static Map<String, String> ownLabels(String manifestId) {
        Map<String, String> l = new LinkedHashMap<>();
        l.put(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE);
        l.put(Labels.PART_OF, Labels.PART_OF_VALUE);
        l.put(Labels.MANIFEST_ID, manifestId);
        return l;
    }

    /** Driver and executor pods carry the manifest id too, so {@code kubectl logs -l} finds them. */
    private static Map<String, String> podLabels(String manifestId) {
        Map<String, String> l = new LinkedHashMap<>();
        l.put(Labels.PART_OF, Labels.PART_OF_VALUE);
        l.put(Labels.MANIFEST_ID, manifestId);
        return l;
    }

    /** The template's entries, then ours, which win. */
    private static Map<String, String> merge(Map<String, String> fromTemplate, Map<String, String> ours) {
        Map<String, String> out = new LinkedHashMap<>();
        if (fromTemplate != null) {
            out.putAll(fromTemplate);
        }
        out.putAll(ours);
        return out;
    }
}
