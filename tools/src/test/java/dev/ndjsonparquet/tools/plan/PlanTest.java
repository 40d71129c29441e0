package dev.ndjsonparquet.tools.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.controller.dispatch.DispatcherSettings;
import dev.ndjsonparquet.conversion.ConversionSettings;
import dev.ndjsonparquet.manifest.ExecutorSizing;
import dev.ndjsonparquet.settings.SettingsException;
import dev.ndjsonparquet.settings.SettingsResolver;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plan's arithmetic against cases computed by hand (the hand computation is in each test's comment). */
class PlanTest {

    /** Defaults, except the rate: the hand computations below use 30 MB/s per core unless a case says otherwise. */
    static PlanInputs inputs(Map<String, String> flags) {
        Map<String, String> withRate = new java.util.HashMap<>(Map.of("mb-per-second-per-core", "30"));
        withRate.putAll(flags);
        return PlanSettings.inputs(SettingsResolver.resolve(PlanSettings.ALL, withRate, Map.of(), Map.of()));
    }

    @Test
    void theCostOfAManifestIsPricedAsThePlanPricesExecutorCores() {
        // One fact in two declarations: a manifest's cost estimate (result record, dispatcher metrics) uses the
        // plan's default spot node price over its usable vCPUs.
        double perCoreHour = PlanSettings.SPOT_PRICE_PER_HOUR.defaultValue()
                / (PlanSettings.NODE_VCPU.defaultValue() - PlanSettings.NODE_RESERVED_VCPU.defaultValue());
        assertEquals(perCoreHour, ConversionSettings.EXECUTOR_CORE_HOUR_PRICE_USD.defaultValue(), 5e-5, "rounded to 4 places");
    }

    @Test
    void defaultsAtTheOriginalDesignsScale() {
        /*
         * 338,000 files/day x 4 GB, 100 files/manifest, 30 MB/s/core, 16 GiB per executor (1 to 40), 60 s start-up,
         * m6i.4xlarge 16 vCPU / 64 GiB minus 1 vCPU / 9 GiB reserved, executors 5 cores / 18 GiB, drivers 1 core / 5 GiB.
         * manifests/day      = ceil(338,000 / 100)                 = 3,380
         * bytes per manifest = 100 x 4 x 10^9                      = 4 x 10^11
         * executors          = ceil(4 x 10^11 / (16 x 2^30)) = ceil(23.283) = 24 -> 120 cores (the dispatcher's sizing)
         * core-seconds       = 400,000 MB / 30                     = 13,333.33
         * conversion         = 13,333.33 / 120                     = 111.11 s; duration = 171.11 s
         * executors per node = min(floor(15 / 5), floor(55 / 18))  = min(3, 3) = 3
         * drivers per node   = min(floor(15 / 1), floor(55 / 5))   = min(15, 11) = 11
         * average files/hour = 338,000 / 24 = 14,083.33 > 7,000 peak, so peak = 14,083.33 (with a note)
         * peak apps          = ceil(140.8333 x 171.11 / 3600) = ceil(6.6939) = 7
         * peak executors 168, cores 840, executor nodes ceil(168 / 3) = 56, drivers 7, on-demand nodes ceil(7 / 11) = 1
         * app-hours/day      = 3,380 x 171.11 / 3600               = 160.654
         * average apps       = 160.654 / 24 = 6.6939; executor nodes 6.6939 x 24 / 3 = 53.551; on-demand 6.6939 / 11 = 0.6085
         * spot node-hours    = 160.654 x 24 / 3 = 1,285.235 x $0.31 = $398.42
         * on-demand hours    = 160.654 / 11    = 14.605 x $0.768   = $11.22
         * control plane      = 24 x $0.10                          = $2.40
         * per day            = 398.423 + 11.217 + 2.400            = $412.04; per month x 30 = $12,361.2
         */
        PlanResult r = Plan.compute(inputs(Map.of()));

        assertEquals(3_380, r.workload().manifestsPerDay());
        assertEquals(1_352.0, r.workload().tbPerDay(), 1e-9);
        assertEquals(14_083.33, r.workload().peakFilesPerHour(), 0.01);
        assertEquals(13_333.33, r.application().coreSecondsPerManifest(), 0.01);
        assertEquals(24, r.application().executors());
        assertEquals(120, r.application().executorCores());
        assertEquals(171.11, r.application().durationSeconds(), 0.01);
        assertEquals(3, r.application().executorsPerNode());
        assertEquals(11, r.application().driversPerNode());

        assertEquals(new PlanResult.Peak(7, 168, 840, 7, 56, 1, 0), r.peak());
        assertEquals(6.6939, r.average().applications(), 1e-4);
        assertEquals(53.551, r.average().spotNodes(), 1e-3);
        assertEquals(0.6085, r.average().onDemandNodes(), 1e-4);
        assertEquals(0.0, r.average().overflowNodes(), 1e-12);

        assertEquals(160.654, r.hoursPerDay().applicationHours(), 1e-3);
        assertEquals(1_285.235, r.hoursPerDay().spotNodeHours(), 1e-3);
        assertEquals(14.605, r.hoursPerDay().onDemandNodeHours(), 1e-3);
        assertEquals(0.0, r.hoursPerDay().overflowNodeHours(), 1e-12);

        assertEquals(398.42, r.cost().spotPerDay(), 0.01);
        assertEquals(11.22, r.cost().onDemandPerDay(), 0.01);
        assertEquals(0.0, r.cost().overflowPerDay(), 1e-12);
        assertEquals(2.40, r.cost().controlPlanePerDay(), 1e-9);
        assertEquals(412.04, r.cost().perDay(), 0.01);
        assertEquals(12_361.2, r.cost().perMonth(), 0.1);
        assertEquals(1, r.notes().size());
        assertTrue(r.notes().get(0).contains("below the daily average of 14,083"), r.notes().get(0));
    }

    @Test
    void theOverflowShareOfExecutorNodeHoursIsPricedOnDemand() {
        /*
         * The defaults above with overflow-share 0.1 and 0.3: the 1,285.235 executor node-hours split.
         * 0.1: spot 1,156.711 x $0.31 = $358.580; on-demand 128.5235 x $0.768 = $98.706;
         *      per day 358.580 + 98.706 + 11.217 + 2.40 = $470.903; per month $14,127.09.
         *      Peak: 56 executor nodes, ceil(5.6) = 6 on-demand, 50 spot.
         * 0.3: spot 899.664 x $0.31 = $278.896; on-demand 385.570 x $0.768 = $296.118;
         *      per day 278.896 + 296.118 + 11.217 + 2.40 = $588.631; per month $17,658.92.
         *      Peak: ceil(16.8) = 17 on-demand, 39 spot.
         */
        PlanResult ten = Plan.compute(inputs(Map.of("overflow-share", "0.1")));
        assertEquals(1_156.711, ten.hoursPerDay().spotNodeHours(), 1e-3);
        assertEquals(128.5235, ten.hoursPerDay().overflowNodeHours(), 1e-4);
        assertEquals(358.580, ten.cost().spotPerDay(), 1e-3);
        assertEquals(98.706, ten.cost().overflowPerDay(), 1e-3);
        assertEquals(470.903, ten.cost().perDay(), 1e-3);
        assertEquals(14_127.09, ten.cost().perMonth(), 0.01);
        assertEquals(new PlanResult.Peak(7, 168, 840, 7, 50, 1, 6), ten.peak());

        PlanResult thirty = Plan.compute(inputs(Map.of("overflow-share", "0.3")));
        assertEquals(278.896, thirty.cost().spotPerDay(), 1e-3);
        assertEquals(296.118, thirty.cost().overflowPerDay(), 1e-3);
        assertEquals(588.631, thirty.cost().perDay(), 1e-3);
        assertEquals(17_658.92, thirty.cost().perMonth(), 0.01);
        assertEquals(new PlanResult.Peak(7, 168, 840, 7, 39, 1, 17), thirty.peak());
    }

    @Test
    void anOverflowShareOutsideZeroToOneIsRefused() {
        SettingsException e = assertThrows(SettingsException.class, () -> inputs(Map.of("overflow-share", "1.5")));
        assertTrue(e.getMessage().contains("overflow-share"), e.getMessage());
    }

    @Test
    void thePlanSizesApplicationsAsTheDispatcherDoes() {
        // One sizing rule: the dispatcher's defaults give a 400 GB manifest 24 executors, and so does the plan.
        ExecutorSizing dispatcher = DispatcherSettings.application(
                SettingsResolver.resolve(DispatcherSettings.RENDER, Map.of(), Map.of(), Map.of())).sizing();
        assertEquals(24, dispatcher.executorsFor(400_000_000_000L));
        assertEquals(24, Plan.compute(inputs(Map.of())).application().executors());
        // and the same settings move both
        Map<String, String> eight = Map.of("bytes-per-executor-gb", "8", "max-executors", "45");
        assertEquals(47, (int) Math.ceil(4e11 / (8 * Math.pow(2, 30))));
        assertEquals(45, DispatcherSettings.application(
                SettingsResolver.resolve(DispatcherSettings.RENDER, eight, Map.of(), Map.of())).sizing()
                .executorsFor(400_000_000_000L));
        assertEquals(45, Plan.compute(inputs(eight)).application().executors());
    }

    @Test
    void lowEndOfTheRangeWithAFasterRate() {
        /*
         * 150,000 files/day x 3.5 GB, peak 7,000/h, 50 MB/s/core, rest default.
         * manifests/day = 1,500; bytes/manifest = 3.5 x 10^11; executors = ceil(3.5 x 10^11 / 2^34) = ceil(20.37) = 21
         * -> 105 cores; core-seconds = 350,000 / 50 = 7,000; conversion 66.67 s; duration 126.67 s
         * average files/hour = 6,250 < 7,000, so peak stays 7,000 -> 70 manifests/hour
         * peak apps     = ceil(70 x 126.67 / 3600) = ceil(2.463) = 3 -> 63 executors, 21 spot nodes, 1 on-demand
         * app-hours     = 1,500 x 126.67 / 3600 = 52.778; average apps 2.1991
         * spot          = 52.778 x 21 / 3 = 369.444 node-hours x $0.31 = $114.528
         * on-demand     = 52.778 / 11 = 4.798 node-hours x $0.768 = $3.685
         * per day       = 114.528 + 3.685 + 2.40 = $120.613; per month $3,618.4
         * original option 1 hours = 4.5 x (150,000 x 3.5) / (338,000 x 4) = 4.5 x 0.388314 = 1.74741 -> $1,537.72/day
         */
        PlanResult r = Plan.compute(inputs(Map.of("files-per-day", "150000", "file-size-gb", "3.5",
                "mb-per-second-per-core", "50")));

        assertEquals(1_500, r.workload().manifestsPerDay());
        assertEquals(7_000, r.workload().peakFilesPerHour(), 1e-9);
        assertEquals(21, r.application().executors());
        assertEquals(126.67, r.application().durationSeconds(), 0.01);
        assertEquals(new PlanResult.Peak(3, 63, 315, 3, 21, 1, 0), r.peak());
        assertEquals(2.1991, r.average().applications(), 1e-4);
        assertEquals(52.778, r.hoursPerDay().applicationHours(), 1e-3);
        assertEquals(114.528, r.cost().spotPerDay(), 1e-3);
        assertEquals(3.685, r.cost().onDemandPerDay(), 1e-3);
        assertEquals(120.613, r.cost().perDay(), 1e-3);
        assertEquals(3_618.4, r.cost().perMonth(), 0.1);
        assertTrue(r.notes().isEmpty());

        PlanResult.Comparison glue = r.original().get(0);
        assertEquals(1.74741, glue.phases().get(0).hoursPerDay(), 1e-5);
        assertEquals(1_537.72, glue.perDay(), 0.01);
    }

    @Test
    void memoryCanBeWhatLimitsExecutorsPerNode() {
        /*
         * executor-memory-gib 30: min(floor(15 / 5), floor(55 / 30)) = min(3, 1) = 1 executor per node,
         * so the 168 executors at peak need 168 spot nodes and spot node-hours = 160.654 x 24 / 1 = 3,855.70.
         */
        PlanResult r = Plan.compute(inputs(Map.of("executor-memory-gib", "30")));
        assertEquals(1, r.application().executorsPerNode());
        assertEquals(168, r.peak().spotNodes());
        assertEquals(3_855.70, r.hoursPerDay().spotNodeHours(), 0.01);
    }

    @Test
    void aManifestSmallerThanOneExecutorStillGetsOne() {
        /*
         * 1 file of 0.001 GB = 10^8 bytes a manifest: ceil(10^8 / 2^34) = 1 executor (min-executors is 1 too).
         * The default peak of 7,000 files/hour is above the 1 file a day, so the peak is 1 file/hour (with a note):
         * ceil(1 / 100 x 60.0013 / 3600) = ceil(0.00017) = 1 application.
         */
        PlanResult r = Plan.compute(inputs(Map.of("files-per-day", "1", "file-size-gb", "0.001")));
        assertEquals(1, r.application().executors());
        assertEquals(1, r.workload().manifestsPerDay());
        assertEquals(1, r.peak().applications());
        assertEquals(1.0, r.workload().peakFilesPerHour(), 1e-12);
        assertTrue(r.notes().get(0).contains("above files-per-day"), r.notes().get(0));
    }

    @Test
    void combinationsThatCannotWorkAreAllListed() {
        SettingsException e = assertThrows(SettingsException.class, () -> inputs(Map.of(
                "executor-cores", "16", "driver-memory-gib", "60")));
        assertEquals(2, e.problems().size(), e.getMessage());
        assertTrue(e.problems().get(0).startsWith("an executor (16 cores"), e.getMessage());
        assertTrue(e.problems().get(1).startsWith("a driver (1 cores, 60.0 GiB)"), e.getMessage());
    }
}
