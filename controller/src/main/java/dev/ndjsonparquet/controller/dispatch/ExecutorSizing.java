package dev.ndjsonparquet.controller.dispatch;

/**
 * How many executors a manifest gets: one per {@code bytesPerExecutorGiB} of input, rounded up, within
 * [{@code min}, {@code max}]. Conversion cost grows with bytes, not file count.
 */
public record ExecutorSizing(double bytesPerExecutorGiB, int min, int max) {

    private static final double GIB = 1024d * 1024 * 1024;

    public ExecutorSizing {
        if (!(bytesPerExecutorGiB > 0) || min < 1 || max < min) {
            throw new IllegalArgumentException("need bytesPerExecutorGiB > 0 and 1 <= min <= max, got "
                    + bytesPerExecutorGiB + ", " + min + ", " + max);
        }
    }

    public int executorsFor(long totalBytes) {
        double wanted = Math.ceil(Math.max(0, totalBytes) / (bytesPerExecutorGiB * GIB));
        return (int) Math.max(min, Math.min(max, wanted));
    }
}
