package dev.ndjsonparquet.manifest;

import dev.ndjsonparquet.settings.ResolvedSettings;
import dev.ndjsonparquet.settings.Setting;
import dev.ndjsonparquet.settings.SettingsException;
import java.util.List;
import java.util.Optional;

/**
 * How many executors a manifest gets: one per {@code bytesPerExecutorGiB} of input, rounded up, within
 * [{@code min}, {@code max}]. Conversion cost grows with bytes, not file count. The one sizing rule: the dispatcher
 * sizes each SparkApplication with it and {@code plan} prices the executors it gives, from the same three settings.
 */
public record ExecutorSizing(double bytesPerExecutorGiB, int min, int max) {

    public static final Setting<Double> BYTES_PER_EXECUTOR_GB = Setting.decimal("bytes-per-executor-gb")
            .env("BYTES_PER_EXECUTOR_GB").defaultValue(16.0)
            .check(v -> v > 0 && !v.isInfinite() ? Optional.empty() : Optional.of("must be positive"))
            .describedAs("Input GiB per executor: a manifest gets ceil(total bytes / this) executors, within min-executors and max-executors.")
            .build();
    public static final Setting<Integer> MIN_EXECUTORS = Setting.integer("min-executors")
            .env("MIN_EXECUTORS").defaultValue(1).atLeast(1)
            .describedAs("Fewest executors of an application.")
            .build();
    public static final Setting<Integer> MAX_EXECUTORS = Setting.integer("max-executors")
            .env("MAX_EXECUTORS").defaultValue(40).atLeast(1)
            .describedAs("Most executors of an application.")
            .build();

    private static final double GIB = 1024d * 1024 * 1024;

    public ExecutorSizing {
        if (!(bytesPerExecutorGiB > 0) || min < 1 || max < min) {
            throw new IllegalArgumentException("need bytesPerExecutorGiB > 0 and 1 <= min <= max, got "
                    + bytesPerExecutorGiB + ", " + min + ", " + max);
        }
    }

    /**
     * The sizing from its three settings.
     *
     * @throws SettingsException when min-executors is more than max-executors
     */
    public static ExecutorSizing from(ResolvedSettings s) {
        int min = s.get(MIN_EXECUTORS);
        int max = s.get(MAX_EXECUTORS);
        if (min > max) {
            throw new SettingsException(List.of("min-executors (" + min + ") is more than max-executors (" + max + ")"));
        }
        return new ExecutorSizing(s.get(BYTES_PER_EXECUTOR_GB), min, max);
    }

    public int executorsFor(long totalBytes) {
        double wanted = Math.ceil(Math.max(0, totalBytes) / (bytesPerExecutorGiB * GIB));
        return (int) Math.max(min, Math.min(max, wanted));
    }
}
