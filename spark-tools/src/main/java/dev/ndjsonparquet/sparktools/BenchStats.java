package dev.ndjsonparquet.sparktools;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The arithmetic of {@code bench}, apart from running anything: medians and ranges over runs, the
 * steady-state rate of one run pair (the difference between a small and a large file, so that start-up,
 * class loading and JIT cancel out) and ratios taken run by run, so that a machine whose speed drifts
 * between runs still compares like with like.
 */
final class BenchStats {

    private BenchStats() {
    }

    /** The median and the range of some figures. */
    record Spread(double median, double min, double max, int count) {

        /** {@code median (min-max)} with the given decimals, or just the value of a single figure. */
        String format(int decimals) {
            String f = "%." + decimals + "f";
            if (count == 1) {
                return String.format(Locale.ROOT, f, median);
            }
            return String.format(Locale.ROOT, f + " (" + f + "-" + f + ")", median, min, max);
        }
    }

    /** The median (mean of the middle two of an even count), minimum and maximum; NaNs are left out. */
    static Spread spread(List<Double> values) {
        List<Double> v = new ArrayList<>();
        for (Double d : values) {
            if (d != null && !d.isNaN()) {
                v.add(d);
            }
        }
        if (v.isEmpty()) {
            return new Spread(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        v.sort(Double::compare);
        int n = v.size();
        double median = n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
        return new Spread(median, v.get(0), v.get(n - 1), n);
    }

    /**
     * MB per CPU-second of the steady state: the extra megabytes of the large file over the extra
     * whole-process CPU-seconds it took. NaN if the large run took no more CPU than the small one
     * (the noise of a busy machine; such a run is left out of the median rather than made infinite).
     */
    static double steadyMbPerCpuSecond(double smallMb, double smallCpu, double largeMb, double largeCpu) {
        double cpu = largeCpu - smallCpu;
        return cpu > 0 ? (largeMb - smallMb) / cpu : Double.NaN;
    }

    /** {@code a[i] / b[i]} for each run i of two lists of the same length. */
    static List<Double> ratios(List<Double> a, List<Double> b) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException("ratios of " + a.size() + " and " + b.size() + " figures");
        }
        List<Double> r = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            r.add(a.get(i) / b.get(i));
        }
        return r;
    }
}
