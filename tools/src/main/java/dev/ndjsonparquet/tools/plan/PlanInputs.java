package dev.ndjsonparquet.tools.plan;

import dev.ndjsonparquet.manifest.ExecutorSizing;
import java.util.ArrayList;
import java.util.List;

/**
 * What the plan is computed from; see {@link PlanSettings} for each field's meaning and default.
 * Sizes: 1 GB = 1,000 MB (decimal, as S3 reports object sizes); node and pod memory in GiB.
 */
public record PlanInputs(
        long filesPerDay,
        double fileSizeGb,
        long peakFilesPerHour,
        double mbPerSecondPerCore,
        int filesPerManifest,
        ExecutorSizing sizing,
        double appStartupSeconds,
        String nodeInstanceType,
        int nodeVcpu,
        double nodeMemoryGib,
        double nodeReservedVcpu,
        double nodeReservedMemoryGib,
        int executorCores,
        double executorMemoryGib,
        int driverCores,
        double driverMemoryGib,
        double spotPricePerHour,
        double onDemandPricePerHour,
        double overflowShare,
        double controlPlanePricePerHour) {

    /** Combinations that cannot work although each value alone is fine; empty when the plan can be computed. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        double usableVcpu = nodeVcpu - nodeReservedVcpu;
        double usableGib = nodeMemoryGib - nodeReservedMemoryGib;
        if (executorCores > usableVcpu || executorMemoryGib > usableGib) {
            problems.add("an executor (" + executorCores + " cores, " + executorMemoryGib + " GiB) does not fit on a node with "
                    + usableVcpu + " usable vCPUs and " + usableGib + " usable GiB (node-vcpu - node-reserved-vcpu, "
                    + "node-memory-gib - node-reserved-memory-gib)");
        }
        if (driverCores > usableVcpu || driverMemoryGib > usableGib) {
            problems.add("a driver (" + driverCores + " cores, " + driverMemoryGib + " GiB) does not fit on a node with "
                    + usableVcpu + " usable vCPUs and " + usableGib + " usable GiB");
        }
        return problems;
    }
}
