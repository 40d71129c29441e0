package dev.ndjsonparquet.tools.plan;

import dev.ndjsonparquet.controller.builder.BuilderSettings;
import dev.ndjsonparquet.manifest.ExecutorSizing;
import dev.ndjsonparquet.settings.ResolvedSettings;
import dev.ndjsonparquet.settings.Setting;
import dev.ndjsonparquet.settings.SettingsException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every input of {@code ndjson-parquet plan}, declared once. Flags, environment variables, the
 * {@code --config} file and the settings table in {@code docs/plan.md} all come from here.
 */
public final class PlanSettings {

    /** The date the price defaults were last taken from the AWS price lists. */
    public static final String PRICES_AS_OF = "2025-06";

    public static final Setting<Long> FILES_PER_DAY = Setting.longInt("files-per-day").env("FILES_PER_DAY")
            .defaultValue(338_000L).atLeast(1)
            .describedAs("NDJSON files landing per day (the original design's range: 150,000 to 338,000)").build();

    public static final Setting<Double> FILE_SIZE_GB = Setting.decimal("file-size-gb").env("FILE_SIZE_GB")
            .defaultValue(4.0).check(PlanSettings::positive)
            .describedAs("average file size in GB of 1,000 MB (the original design's range: 3.5 to 4.5)").build();

    public static final Setting<Long> PEAK_FILES_PER_HOUR = Setting.longInt("peak-files-per-hour").env("PEAK_FILES_PER_HOUR")
            .defaultValue(7_000L).atLeast(1)
            .describedAs("files landing in the busiest hour; below the daily average (files-per-day / 24) the average is used").build();

    public static final Setting<Double> MB_PER_SECOND_PER_CORE = Setting.decimal("mb-per-second-per-core").env("MB_PER_SECOND_PER_CORE")
            .defaultValue(200.0).check(PlanSettings::positive)
            .describedAs("NDJSON-to-Parquet conversion rate, input MB per second per executor core. Default: the steady-state "
                    + "rate of the columnar engine measured by `./ndjson-parquet bench` (1 GiB and 4 GiB synthetic telemetry "
                    + "from local disk, explicit schema, zstd level 3; the difference of whole-process CPU-seconds, so start-up "
                    + "and JIT are not in it) with the JVM's default JIT settings: 187, 206 and 213 MB per CPU-second in three "
                    + "runs on a shared 2-vCPU AMD EPYC machine, 2026-11, median 206, rounded down (211-237, median 219, with "
                    + "the launcher's -XX:CompileThresholdScaling=4); see docs/columnar-write-path.md. Measure your own data "
                    + "on your instance type").build();

    /** The manifest builder's own setting, so one environment variable or config file drives both. */
    public static final Setting<Integer> MAX_FILES_PER_MANIFEST = BuilderSettings.MAX_FILES_PER_MANIFEST;

    /** The dispatcher's own sizing settings, so the plan prices the executors the dispatcher asks for. */
    public static final Setting<Double> BYTES_PER_EXECUTOR_GB = ExecutorSizing.BYTES_PER_EXECUTOR_GB;
    public static final Setting<Integer> MIN_EXECUTORS = ExecutorSizing.MIN_EXECUTORS;
    public static final Setting<Integer> MAX_EXECUTORS = ExecutorSizing.MAX_EXECUTORS;

    public static final Setting<Double> APP_STARTUP_SECONDS = Setting.decimal("app-startup-seconds").env("APP_STARTUP_SECONDS")
            .defaultValue(60.0).check(PlanSettings::notNegative)
            .describedAs("per-application overhead in seconds: driver pod start, executor allocation, Spark context, commit").build();

    public static final Setting<String> NODE_INSTANCE_TYPE = Setting.string("node-instance-type").env("NODE_INSTANCE_TYPE")
            .defaultValue("m6i.4xlarge")
            .describedAs("EC2 instance type of the nodes (a label for the output; its size and prices are the settings below)").build();

    public static final Setting<Integer> NODE_VCPU = Setting.integer("node-vcpu").env("NODE_VCPU")
            .defaultValue(16).atLeast(1)
            .describedAs("vCPUs per node (m6i.4xlarge: 16)").build();

    public static final Setting<Double> NODE_MEMORY_GIB = Setting.decimal("node-memory-gib").env("NODE_MEMORY_GIB")
            .defaultValue(64.0).check(PlanSettings::positive)
            .describedAs("memory per node in GiB (m6i.4xlarge: 64)").build();

    public static final Setting<Double> NODE_RESERVED_VCPU = Setting.decimal("node-reserved-vcpu").env("NODE_RESERVED_VCPU")
            .defaultValue(1.0).check(PlanSettings::notNegative)
            .describedAs("vCPUs per node not available to Spark pods: kubelet reservation and daemon sets").build();

    public static final Setting<Double> NODE_RESERVED_MEMORY_GIB = Setting.decimal("node-reserved-memory-gib").env("NODE_RESERVED_MEMORY_GIB")
            .defaultValue(9.0).check(PlanSettings::notNegative)
            .describedAs("GiB per node not available to Spark pods: the share of instance memory the node never reports, "
                    + "kubelet reservation, eviction threshold, daemon sets (m6i.4xlarge: 64 less about 55.3 GiB allocatable "
                    + "with a 1 GiB daemon-set budget; deploy's PodsPerNodeTest computes it)").build();

    public static final Setting<Integer> EXECUTOR_CORES = Setting.integer("executor-cores").env("EXECUTOR_CORES")
            .defaultValue(5).atLeast(1)
            .describedAs("cores per Spark executor (spark.executor.cores; the chart's default); 5 fills the 15 usable vCPUs of a 16-vCPU node with 3 executors").build();

    public static final Setting<Double> EXECUTOR_MEMORY_GIB = Setting.decimal("executor-memory-gib").env("EXECUTOR_MEMORY_GIB")
            .defaultValue(18.0).check(PlanSettings::positive)
            .describedAs("memory per executor pod in GiB, heap plus overhead (spark.executor.memory + memoryOverhead: the chart's 14g + 4g)").build();

    public static final Setting<Integer> DRIVER_CORES = Setting.integer("driver-cores").env("DRIVER_CORES")
            .defaultValue(1).atLeast(1)
            .describedAs("cores per Spark driver; drivers run on on-demand nodes").build();

    public static final Setting<Double> DRIVER_MEMORY_GIB = Setting.decimal("driver-memory-gib").env("DRIVER_MEMORY_GIB")
            .defaultValue(5.0).check(PlanSettings::positive)
            .describedAs("memory per driver pod in GiB, heap plus overhead (the chart's 4g + 1g)").build();

    public static final Setting<Double> SPOT_PRICE_PER_HOUR = Setting.decimal("spot-price-per-hour").env("SPOT_PRICE_PER_HOUR")
            .defaultValue(0.31).check(PlanSettings::notNegative)
            .describedAs("USD per hour of one spot node (executors); default: a typical us-east-1 m6i.4xlarge spot price as of "
                    + PRICES_AS_OF + ", about 60 per cent below on-demand; spot prices move, check the current one").build();

    public static final Setting<Double> ON_DEMAND_PRICE_PER_HOUR = Setting.decimal("on-demand-price-per-hour").env("ON_DEMAND_PRICE_PER_HOUR")
            .defaultValue(0.768).check(PlanSettings::notNegative)
            .describedAs("USD per hour of one on-demand node (drivers, and executors in the overflow share); default: the us-east-1 m6i.4xlarge Linux list price as of "
                    + PRICES_AS_OF + "; check the current price").build();

    public static final Setting<Double> OVERFLOW_SHARE = Setting.decimal("overflow-share").env("OVERFLOW_SHARE")
            .defaultValue(0.0).check(v -> v >= 0 && v <= 1 ? Optional.empty() : Optional.of("must be a fraction from 0 to 1"))
            .describedAs("fraction of executor node-hours that run on on-demand nodes because spot capacity ran out (the "
                    + "chart's `overflow: when-spot-unavailable`, which happens at peak), priced at on-demand-price-per-hour; "
                    + "0 = executors always on spot (`overflow: never`), 1 = always on-demand (`overflow: always`)").build();

    public static final Setting<Double> CONTROL_PLANE_PRICE_PER_HOUR = Setting.decimal("control-plane-price-per-hour").env("CONTROL_PLANE_PRICE_PER_HOUR")
            .defaultValue(0.10).check(PlanSettings::notNegative)
            .describedAs("USD per hour of the EKS control plane (standard support list price as of " + PRICES_AS_OF
                    + "); 0 when the cluster is shared and already paid for").build();

    /** Every plan setting in the order of the help text and the documentation table. */
    public static final List<Setting<?>> ALL = List.of(FILES_PER_DAY, FILE_SIZE_GB, PEAK_FILES_PER_HOUR,
            MB_PER_SECOND_PER_CORE, MAX_FILES_PER_MANIFEST, BYTES_PER_EXECUTOR_GB, MIN_EXECUTORS, MAX_EXECUTORS,
            APP_STARTUP_SECONDS,
            NODE_INSTANCE_TYPE, NODE_VCPU, NODE_MEMORY_GIB, NODE_RESERVED_VCPU, NODE_RESERVED_MEMORY_GIB,
            EXECUTOR_CORES, EXECUTOR_MEMORY_GIB, DRIVER_CORES, DRIVER_MEMORY_GIB,
            SPOT_PRICE_PER_HOUR, ON_DEMAND_PRICE_PER_HOUR, OVERFLOW_SHARE, CONTROL_PLANE_PRICE_PER_HOUR);

    private PlanSettings() {
    }

    /**
     * The plan's inputs from resolved settings.
     *
     * @throws SettingsException listing every combination that cannot work (each value alone was fine)
     */
    public static PlanInputs inputs(ResolvedSettings s) {
        List<String> problems = new ArrayList<>();
        ExecutorSizing sizing;
        try {
            sizing = ExecutorSizing.from(s);
        } catch (SettingsException e) {
            problems.addAll(e.problems());
            sizing = new ExecutorSizing(s.get(BYTES_PER_EXECUTOR_GB), 1, 1); // stands in only while the rest is checked
        }
        PlanInputs in = new PlanInputs(s.get(FILES_PER_DAY), s.get(FILE_SIZE_GB), s.get(PEAK_FILES_PER_HOUR),
                s.get(MB_PER_SECOND_PER_CORE), s.get(MAX_FILES_PER_MANIFEST), sizing,
                s.get(APP_STARTUP_SECONDS), s.get(NODE_INSTANCE_TYPE), s.get(NODE_VCPU), s.get(NODE_MEMORY_GIB),
                s.get(NODE_RESERVED_VCPU), s.get(NODE_RESERVED_MEMORY_GIB), s.get(EXECUTOR_CORES),
                s.get(EXECUTOR_MEMORY_GIB), s.get(DRIVER_CORES), s.get(DRIVER_MEMORY_GIB),
                s.get(SPOT_PRICE_PER_HOUR), s.get(ON_DEMAND_PRICE_PER_HOUR), s.get(OVERFLOW_SHARE),
                s.get(CONTROL_PLANE_PRICE_PER_HOUR));
        problems.addAll(in.problems());
        if (!problems.isEmpty()) {
            throw new SettingsException(problems);
        }
        return in;
    }

    private static Optional<String> positive(Double v) {
        return v > 0 && !v.isInfinite() ? Optional.empty() : Optional.of("must be a number greater than 0");
    }

    private static Optional<String> notNegative(Double v) {
        return v >= 0 && !v.isInfinite() ? Optional.empty() : Optional.of("must be a number of at least 0");
    }
}
