package dev.ndjsonparquet.tools.plan;

import java.util.List;

/** Everything {@link Plan#compute} works out; each part's formula is in {@code docs/plan.md}. */
public record PlanResult(
        PlanInputs inputs,
        Workload workload,
        Application application,
        Peak peak,
        Average average,
        Hours hoursPerDay,
        Cost cost,
        List<Comparison> original,
        List<String> notes) {

    /** The work a day brings. */
    public record Workload(long manifestsPerDay, double manifestGb, double tbPerDay, double averageFilesPerHour,
                           double peakFilesPerHour, double peakManifestsPerHour) {
    }

    /** One Spark application converting one manifest. */
    public record Application(double coreSecondsPerManifest, int executors, int executorCores,
                              double conversionSeconds, double durationSeconds,
                              int executorsPerNode, int driversPerNode) {
    }

    /**
     * What must be running in the busiest hour (the cluster's maximum and the dispatcher's MaxConcurrentRuns); the
     * executor nodes split into spot and on-demand overflow by the overflow share.
     */
    public record Peak(int applications, int executors, int executorCores, int driverCores,
                       int spotNodes, int onDemandNodes, int overflowNodes) {
    }

    /** What runs on average over the day (fractions: the autoscaler follows the load). */
    public record Average(double applications, double executors, double executorCores,
                          double spotNodes, double onDemandNodes, double overflowNodes) {
    }

    /** Processing hours a day, summed over applications, cores and nodes. */
    public record Hours(double applicationHours, double executorCoreHours, double spotNodeHours,
                        double onDemandNodeHours, double overflowNodeHours, double effectiveMbPerSecondPerCore) {
    }

    /**
     * US dollars: executors on spot, drivers on on-demand, the executors' overflow share on on-demand, plus the EKS
     * control plane.
     */
    public record Cost(double spotPerDay, double onDemandPerDay, double overflowPerDay, double controlPlanePerDay,
                       double perDay, double perMonth) {
    }

    /** One option of the original design, priced with its own formulas, against this plan. */
    public record Comparison(String name, List<OriginalDesign.Phase> phases, double perDay, double perMonth,
                             double vcpuHoursPerDay, double impliedMbPerSecondPerVcpu,
                             double monthlySaving, double savingPercent) {
    }
}
