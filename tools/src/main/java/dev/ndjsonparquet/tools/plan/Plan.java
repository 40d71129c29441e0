package dev.ndjsonparquet.tools.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Capacity and cost arithmetic: inputs in, result out, nothing else. Every formula is written out in
 * {@code docs/plan.md}; the numbered steps there match the comments here.
 */
public final class Plan {

    /** A month, as the original design counts it. */
    public static final int DAYS_PER_MONTH = 30;
    /** MB in a GB (decimal units, as S3 sizes objects). */
    public static final double MB_PER_GB = 1000;
    /** Bytes in a GB (decimal). */
    public static final double BYTES_PER_GB = 1e9;

    private Plan() {
    }

    public static PlanResult compute(PlanInputs in) {
        List<String> problems = in.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        List<String> notes = new ArrayList<>();

        // 1. Workload.
        long manifestsPerDay = ceilDiv(in.filesPerDay(), in.filesPerManifest());
        double manifestGb = in.filesPerManifest() * in.fileSizeGb();
        double tbPerDay = in.filesPerDay() * in.fileSizeGb() / 1000;
        double averageFilesPerHour = in.filesPerDay() / 24.0;
        double peakFilesPerHour = Math.min(Math.max(in.peakFilesPerHour(), averageFilesPerHour), in.filesPerDay());
        if (in.peakFilesPerHour() < averageFilesPerHour) {
            notes.add(String.format(Locale.US, "peak-files-per-hour %,d is below the daily average of %,.0f files/hour "
                    + "(files-per-day / 24); the peak figures use the average", in.peakFilesPerHour(), averageFilesPerHour));
        } else if (in.peakFilesPerHour() > in.filesPerDay()) {
            notes.add(String.format(Locale.US, "peak-files-per-hour %,d is above files-per-day %,d; the peak figures use "
                    + "files-per-day", in.peakFilesPerHour(), in.filesPerDay()));
        }
        double peakManifestsPerHour = peakFilesPerHour / in.filesPerManifest();

        // 2. One application: the dispatcher's own sizing rule on the manifest's bytes.
        double coreSeconds = manifestGb * MB_PER_GB / in.mbPerSecondPerCore();
        int executors = in.sizing().executorsFor(Math.round(manifestGb * BYTES_PER_GB));
        int appCores = executors * in.executorCores();
        double conversionSeconds = coreSeconds / appCores;
        double durationSeconds = in.appStartupSeconds() + conversionSeconds;

        // 3. Packing pods onto nodes: whole pods per node, by CPU and by memory.
        double usableVcpu = in.nodeVcpu() - in.nodeReservedVcpu();
        double usableGib = in.nodeMemoryGib() - in.nodeReservedMemoryGib();
        int executorsPerNode = (int) Math.min(Math.floor(usableVcpu / in.executorCores()),
                Math.floor(usableGib / in.executorMemoryGib()));
        int driversPerNode = (int) Math.min(Math.floor(usableVcpu / in.driverCores()),
                Math.floor(usableGib / in.driverMemoryGib()));

        // 4. Peak: applications in flight = manifests arriving per hour x hours each runs (Little's law), rounded up.
        // (The 1e-9 keeps a whole number that floating point made 24.000000001 from rounding up to 25.)
        int peakApps = (int) Math.ceil(peakManifestsPerHour * durationSeconds / 3600 - 1e-9);
        int peakExecutors = peakApps * executors;
        int peakExecutorNodes = ceilDiv(peakExecutors, executorsPerNode);
        int peakOverflowNodes = (int) Math.ceil(peakExecutorNodes * in.overflowShare() - 1e-9);
        PlanResult.Peak peak = new PlanResult.Peak(peakApps, peakExecutors, peakExecutors * in.executorCores(),
                peakApps * in.driverCores(), peakExecutorNodes - peakOverflowNodes, ceilDiv(peakApps, driversPerNode),
                peakOverflowNodes);

        // 5. Average over the day: application-seconds a day / seconds a day.
        double applicationHours = manifestsPerDay * durationSeconds / 3600;
        double averageApps = applicationHours / 24;
        double averageExecutorNodes = averageApps * executors / executorsPerNode;
        PlanResult.Average average = new PlanResult.Average(averageApps, averageApps * executors, averageApps * appCores,
                averageExecutorNodes * (1 - in.overflowShare()), averageApps / driversPerNode,
                averageExecutorNodes * in.overflowShare());

        // 6. Hours a day.
        double executorCoreHours = applicationHours * appCores;
        double executorNodeHours = applicationHours * executors / executorsPerNode;
        double spotNodeHours = executorNodeHours * (1 - in.overflowShare());
        double overflowNodeHours = executorNodeHours * in.overflowShare();
        double onDemandNodeHours = applicationHours / driversPerNode;
        double effectiveRate = tbPerDay * 1e6 / (executorCoreHours * 3600);
        PlanResult.Hours hours = new PlanResult.Hours(applicationHours, executorCoreHours, spotNodeHours,
                onDemandNodeHours, overflowNodeHours, effectiveRate);

        // 7. Dollars: the overflow share of executor node-hours at the on-demand price.
        double spotPerDay = spotNodeHours * in.spotPricePerHour();
        double onDemandPerDay = onDemandNodeHours * in.onDemandPricePerHour();
        double overflowPerDay = overflowNodeHours * in.onDemandPricePerHour();
        double controlPlanePerDay = 24 * in.controlPlanePricePerHour();
        double perDay = spotPerDay + onDemandPerDay + overflowPerDay + controlPlanePerDay;
        PlanResult.Cost cost = new PlanResult.Cost(spotPerDay, onDemandPerDay, overflowPerDay, controlPlanePerDay, perDay,
                perDay * DAYS_PER_MONTH);

        // 8. The original design, with its own formulas, hours scaled by the daily volume.
        List<PlanResult.Comparison> original = new ArrayList<>();
        for (OriginalDesign.Option o : OriginalDesign.options(OriginalDesign.volumeScale(in.filesPerDay(), in.fileSizeGb()))) {
            double saving = o.perMonth() - cost.perMonth();
            original.add(new PlanResult.Comparison(o.name(), o.phases(), o.perDay(), o.perMonth(), o.vcpuHoursPerDay(),
                    tbPerDay * 1e6 / (o.vcpuHoursPerDay() * 3600), saving, 100 * saving / o.perMonth()));
        }

        return new PlanResult(in,
                new PlanResult.Workload(manifestsPerDay, manifestGb, tbPerDay, averageFilesPerHour, peakFilesPerHour,
                        peakManifestsPerHour),
                new PlanResult.Application(coreSeconds, executors, appCores, conversionSeconds, durationSeconds,
                        executorsPerNode, driversPerNode),
                peak, average, hours, cost, List.copyOf(original), List.copyOf(notes));
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }
}
