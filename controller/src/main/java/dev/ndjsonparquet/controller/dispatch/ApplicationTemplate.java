package dev.ndjsonparquet.controller.dispatch;

import dev.ndjsonparquet.controller.k8s.SparkApplication;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The operator's SparkApplication template: image, resources, node selectors, tolerations, priority
 * classes, Spark and Hadoop configuration, volumes, service account. Parsed fresh for every application,
 * so one application's changes never leak into the next.
 */
public final class ApplicationTemplate {

    /** The built-in template (a classpath resource) used when none is configured. */
    public static final String BUILT_IN = "/spark-application-template.yaml";

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private final String source;
    private final String yaml;

    private ApplicationTemplate(String source, String yaml) {
        this.source = source;
        this.yaml = yaml;
    }

    /** The template at {@code path}, or the built-in one when {@code path} is null. */
    public static ApplicationTemplate load(Path path) {
        if (path == null) {
            try (InputStream in = ApplicationTemplate.class.getResourceAsStream(BUILT_IN)) {
                return new ApplicationTemplate("built-in template", new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        try {
            return new ApplicationTemplate(path.toString(), Files.readString(path));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read SparkApplication template " + path, e);
        }
    }

    public static ApplicationTemplate of(String source, String yaml) {
        return new ApplicationTemplate(source, yaml);
    }

    public String source() {
        return source;
    }

    /** A fresh copy of the template. */
    public SparkApplication parse() {
        SparkApplication app = SERIALIZATION.unmarshal(yaml, SparkApplication.class);
        if (app == null) {
            throw new IllegalArgumentException("SparkApplication template " + source + " is empty");
        }
        return app;
    }

    /** Every reason the template cannot be used, for the start-up check. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        SparkApplication app;
        Map<?, ?> raw;
        try {
            raw = SERIALIZATION.unmarshal(yaml, Map.class);
            app = parse();
        } catch (RuntimeException e) {
            return List.of("SparkApplication template " + source + " cannot be parsed: " + e.getMessage());
        }
        String where = "SparkApplication template " + source + ": ";
        // The typed class always reports its own apiVersion; check what the file says.
        if (raw == null || !SparkApplication.API_VERSION.equals(raw.get("apiVersion")) || !"SparkApplication".equals(raw.get("kind"))) {
            problems.add(where + "must be apiVersion " + SparkApplication.API_VERSION + ", kind SparkApplication (is "
                    + (raw == null ? null : raw.get("apiVersion")) + ", " + (raw == null ? null : raw.get("kind")) + ")");
        }
        if (app.getSpec() == null) {
            problems.add(where + "has no spec");
            return problems;
        }
        var spec = app.getSpec();
        if (isBlank(spec.getImage()) && (spec.getSparkConf() == null || isBlank(spec.getSparkConf().get("spark.kubernetes.container.image")))) {
            problems.add(where + "spec.image is missing");
        }
        if (isBlank(spec.getMainApplicationFile())) {
            problems.add(where + "spec.mainApplicationFile is missing (the Spark application's jar)");
        }
        if (isBlank(spec.getSparkVersion())) {
            problems.add(where + "spec.sparkVersion is missing");
        }
        if (spec.getDriver() == null) {
            problems.add(where + "spec.driver is missing");
        }
        if (spec.getExecutor() == null) {
            problems.add(where + "spec.executor is missing");
        }
        for (String p : DriverConversionSettings.problems(app)) {
            problems.add(where + p);
        }
        return problems;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
