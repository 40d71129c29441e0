package dev.ndjsonparquet.controller.dispatch;

import dev.ndjsonparquet.controller.k8s.SparkApplication;
import dev.ndjsonparquet.conversion.ConversionSettings;
import dev.ndjsonparquet.settings.ResolvedSettings;
import dev.ndjsonparquet.settings.SettingsException;
import dev.ndjsonparquet.settings.SettingsResolver;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The conversion settings a SparkApplication template gives the Spark driver, as environment variables through
 * {@code spark.kubernetes.driverEnv.<NAME>} (how the chart's {@code conversion:} block reaches the driver: Spark
 * itself sets them, no webhook involved, and values with spaces survive). Checked with the Spark application's own
 * declarations ({@link ConversionSettings#ALL}) before anything runs, so a bad value fails the dispatcher's start-up
 * and {@code render} with every problem listed, not every run of every manifest. Pure.
 */
public final class DriverConversionSettings {

    /** Spark's prefix for the driver's environment variables. */
    public static final String DRIVER_ENV = "spark.kubernetes.driverEnv.";

    private DriverConversionSettings() {
    }

    /** The driver environment the template sets (every {@code spark.kubernetes.driverEnv.*} entry). */
    public static Map<String, String> environment(SparkApplication app) {
        Map<String, String> env = new LinkedHashMap<>();
        Map<String, String> conf = app.getSpec() == null ? null : app.getSpec().getSparkConf();
        if (conf != null) {
            conf.forEach((k, v) -> {
                if (k.startsWith(DRIVER_ENV) && v != null) {
                    env.put(k.substring(DRIVER_ENV.length()), v);
                }
            });
        }
        return env;
    }

    /** The settings the driver will read, resolved as the Spark application resolves them (environment, then defaults). */
    public static ResolvedSettings resolve(SparkApplication app) {
        return SettingsResolver.resolve(ConversionSettings.ALL, Map.of(), environment(app), Map.of());
    }

    /**
     * Every problem with the template's conversion settings, each on its own and together (an Iceberg output
     * without its catalog, say); empty when the driver will accept them all.
     */
    public static List<String> problems(SparkApplication app) {
        try {
            ConversionSettings.Values.from(resolve(app));
            return List.of();
        } catch (SettingsException e) {
            return e.problems().stream().map(p -> "conversion setting " + p).toList();
        }
    }
}
