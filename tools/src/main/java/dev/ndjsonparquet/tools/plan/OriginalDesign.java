package dev.ndjsonparquet.tools.plan;

import java.util.List;

/**
 * The original design (Lambda + Glue/EMR, "Architecture Options for Production Scale") priced with its
 * own formulas, prices and hours. Its hours were worked out for 338,000 files a day of 3.5 to 4.5 GB
 * (4 GB on average); {@link #options(double)} scales them by the daily volume relative to that, so the
 * comparison follows the plan's inputs and reproduces the original figures at the default inputs.
 * These are the original design's claims, kept as constants on purpose: they are what is compared against.
 */
public final class OriginalDesign {

    /** Files per day the original design's hours were computed for. */
    public static final long FILES_PER_DAY = 338_000;
    /** Average file size (GB) behind the original design's 3 to 5 minutes per 100-file job. */
    public static final double FILE_SIZE_GB = 4.0;

    /** AWS Glue price per DPU-hour used by the original design (us-east-1). */
    public static final double GLUE_DPU_HOUR = 0.44;
    /** DPUs per G.2X worker. */
    public static final int G2X_DPU = 2;
    /** vCPUs per G.2X worker (4 vCPU per DPU). */
    public static final int G2X_VCPU = 8;
    /** EMR master node, m5.xlarge on-demand, per hour as in the original design. */
    public static final double EMR_MASTER_HOUR = 0.192;
    /** EMR core node, r5.4xlarge, per hour as the original design counts it ("spot"). */
    public static final double EMR_CORE_HOUR = 1.008;
    /** vCPUs of an r5.4xlarge core node. */
    public static final int R5_4XLARGE_VCPU = 16;

    private OriginalDesign() {
    }

    /** One way of running: a price per hour for some hours a day on some vCPUs. */
    public record Phase(String what, double perHour, double hoursPerDay, int vcpus) {
        public double perDay() {
            return perHour * hoursPerDay;
        }

        public double vcpuHoursPerDay() {
            return (double) vcpus * hoursPerDay;
        }
    }

    /** One option of the original design: its name and the phases it runs a day. */
    public record Option(String name, List<Phase> phases) {
        public double perDay() {
            return phases.stream().mapToDouble(Phase::perDay).sum();
        }

        public double perMonth() {
            return perDay() * Plan.DAYS_PER_MONTH;
        }

        public double vcpuHoursPerDay() {
            return phases.stream().mapToDouble(Phase::vcpuHoursPerDay).sum();
        }
    }

    /** Parallel Glue: jobs x workers x 2 DPU x $0.44 per DPU-hour (50 x 20 -> $880/hour). */
    public static double glueHourly(int jobs, int workersPerJob) {
        return (double) jobs * workersPerJob * G2X_DPU * GLUE_DPU_HOUR;
    }

    /** EMR: master + core nodes x price per hour (20 core nodes -> $20.352/hour). */
    public static double emrHourly(int coreNodes) {
        return EMR_MASTER_HOUR + coreNodes * EMR_CORE_HOUR;
    }

    /** Daily volume relative to the one the original hours were computed for (1.0 at 338,000 files of 4 GB). */
    public static double volumeScale(long filesPerDay, double fileSizeGb) {
        return filesPerDay * fileSizeGb / (FILES_PER_DAY * FILE_SIZE_GB);
    }

    /**
     * The original options with their hours scaled by {@code volumeScale}:
     * option 1, 50 Glue jobs x 20 G.2X for 4.5 hours (3,380 manifests / 50 x 4 min);
     * option 2, 30 Glue jobs x 30 G.2X for 10 hours;
     * option 3, EMR with 20 core nodes for 12 hours plus 50 core nodes for 4 peak hours.
     */
    public static List<Option> options(double volumeScale) {
        return List.of(
                new Option("Glue, 50 parallel jobs x 20 G.2X (original option 1)", List.of(
                        new Phase("50 jobs x 20 workers x 2 DPU x $0.44/DPU-hour", glueHourly(50, 20), 4.5 * volumeScale,
                                50 * 20 * G2X_VCPU))),
                new Option("Glue, 30 jobs x 30 G.2X (original option 2)", List.of(
                        new Phase("30 jobs x 30 workers x 2 DPU x $0.44/DPU-hour", glueHourly(30, 30), 10 * volumeScale,
                                30 * 30 * G2X_VCPU))),
                new Option("EMR, r5.4xlarge core nodes (original option 3)", List.of(
                        new Phase("m5.xlarge master + 20 core x $1.008", emrHourly(20), 12 * volumeScale,
                                20 * R5_4XLARGE_VCPU),
                        new Phase("m5.xlarge master + 50 core x $1.008 (peak)", emrHourly(50), 4 * volumeScale,
                                50 * R5_4XLARGE_VCPU))));
    }
}
