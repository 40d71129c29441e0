package dev.ndjsonparquet.tools.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.conversion.ConversionSettings;
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
         * 338,000 files/day x 4 GB, 100 files/manifest, 30 MB/s/core, 10 min target, 60 s start-up,
         * m6i.4xlarge 16 vCPU / 64 GiB minus 1 vCPU / 9 GiB reserved, executors 5 cores / 18 GiB, drivers 1 core / 5 GiB.
         * manifests/day      = ceil(338,000 / 100)                 = 3,380
         * MB per manifest    = 100 x 4 x 1,000                     = 400,000
         * core-seconds       = 400,000 / 30                        = 13,333.33
         * window             = 10 x 60 - 60                        = 540 s
         * executors          = ceil(13,333.33 / (5 x 540)) = ceil(4.938) = 5  -> 25 cores
         * conversion         = 13,333.33 / 25                      = 533.33 s; duration = 593.33 s
         * executors per node = min(floor(15 / 5), floor(55 / 18))  = min(3, 3) = 3
         * drivers per node   = min(floor(15 / 1), floor(55 / 5))   = min(15, 11) = 11
         * average files/hour = 338,000 / 24 = 14,083.33 > 7,000 peak, so peak = 14,083.33 (with a note)
         * peak apps          = ceil(140.8333 x 593.33 / 3600) = ceil(23.2114) = 24
         * peak executors 120, cores 600, spot nodes ceil(120 / 3) = 40, drivers 24, on-demand nodes ceil(24 / 11) = 3
         * app-hours/day      = 3,380 x 593.33 / 3600               = 557.074
         * average apps      = 557.074 / 24 = 23.2114; spot nodes 23.2114 x 5 / 3 = 38.686; on-demand 23.2114 / 11 = 2.110
         * spot node-hours    = 557.074 x 5 / 3 = 928.457 x $0.31   = $287.82
         * on-demand hours    = 557.074 / 11    = 50.643  x $0.768  = $38.89
         * control plane      = 24 x $0.10                          = $2.40
         * per day            = 287.822 + 38.894 + 2.400            = $329.12; per month x 30 = $9,873.5
         */
        PlanResult r = Plan.compute(inputs(Map.of()));

        assertEquals(3_380, r.workload().manifestsPerDay());
        assertEquals(1_352.0, r.workload().tbPerDay(), 1e-9);
        assertEquals(14_083.33, r.workload().peakFilesPerHour(), 0.01);
        assertEquals(13_333.33, r.application().coreSecondsPerManifest(), 0.01);
        assertEquals(5, r.application().executors());
        assertEquals(25, r.application().executorCores());
        assertEquals(593.33, r.application().durationSeconds(), 0.01);
        assertEquals(3, r.application().executorsPerNode());
        assertEquals(11, r.application().driversPerNode());

        assertEquals(new PlanResult.Peak(24, 120, 600, 24, 40, 3), r.peak());
        assertEquals(23.2114, r.average().applications(), 1e-4);
        assertEquals(38.686, r.average().spotNodes(), 1e-3);
        assertEquals(2.110, r.average().onDemandNodes(), 1e-3);

        assertEquals(557.074, r.hoursPerDay().applicationHours(), 1e-3);
        assertEquals(928.457, r.hoursPerDay().spotNodeHours(), 1e-3);
        assertEquals(50.643, r.hoursPerDay().onDemandNodeHours(), 1e-3);

        assertEquals(287.82, r.cost().spotPerDay(), 0.01);
        assertEquals(38.89, r.cost().onDemandPerDay(), 0.01);
        assertEquals(2.40, r.cost().controlPlanePerDay(), 1e-9);
        assertEquals(329.12, r.cost().perDay(), 0.01);
        assertEquals(9_873.5, r.cost().perMonth(), 0.1);
        assertEquals(1, r.notes().size());
        assertTrue(r.notes().get(0).contains("below the daily average of 14,083"), r.notes().get(0));
    }

    @Test
    void lowEndOfTheRangeWithAFasterRateAndAShorterTarget() {
        /*
         * 150,000 files/day x 3.5 GB, peak 7,000/h, 50 MB/s/core, 5 min target, rest default.
         * manifests/day = 1,500; MB/manifest = 350,000; core-seconds = 7,000; window = 300 - 60 = 240 s
         * executors     = ceil(7,000 / (5 x 240)) = ceil(5.833) = 6 -> 30 cores; conversion 233.33 s; duration 293.33 s
         * average files/hour = 6,250 < 7,000, so peak stays 7,000 -> 70 manifests/hour
         * peak apps     = ceil(70 x 293.33 / 3600) = ceil(5.7037) = 6 -> 36 executors, ceil(36 / 3) = 12 spot nodes, 1 on-demand
         * app-hours     = 1,500 x 293.33 / 3600 = 122.222; average apps 5.0926
         * spot          = 122.222 x 6 / 3 = 244.444 node-hours x $0.31 = $75.778
         * on-demand     = 122.222 / 11 = 11.111 node-hours x $0.768 = $8.533
         * per day       = 75.778 + 8.533 + 2.40 = $86.711; per month $2,601.3
         * original option 1 hours = 4.5 x (150,000 x 3.5) / (338,000 x 4) = 4.5 x 0.388314 = 1.74741 -> $1,537.72/day
         */
        PlanResult r = Plan.compute(inputs(Map.of("files-per-day", "150000", "file-size-gb", "3.5",
                "mb-per-second-per-core", "50", "target-minutes-per-manifest", "5")));

        assertEquals(1_500, r.workload().manifestsPerDay());
        assertEquals(7_000, r.workload().peakFilesPerHour(), 1e-9);
        assertEquals(6, r.application().executors());
        assertEquals(293.33, r.application().durationSeconds(), 0.01);
        assertEquals(new PlanResult.Peak(6, 36, 180, 6, 12, 1), r.peak());
        assertEquals(5.0926, r.average().applications(), 1e-4);
        assertEquals(122.222, r.hoursPerDay().applicationHours(), 1e-3);
        assertEquals(75.778, r.cost().spotPerDay(), 1e-3);
        assertEquals(8.533, r.cost().onDemandPerDay(), 1e-3);
        assertEquals(86.711, r.cost().perDay(), 1e-3);
        assertEquals(2_601.3, r.cost().perMonth(), 0.1);
        assertTrue(r.notes().isEmpty());

        PlanResult.Comparison glue = r.original().get(0);
        assertEquals(1.74741, glue.phases().get(0).hoursPerDay(), 1e-5);
        assertEquals(1_537.72, glue.perDay(), 0.01);
    }

    @Test
    void memoryCanBeWhatLimitsExecutorsPerNode() {
        /*
         * executor-memory-gib 30: min(floor(15 / 5), floor(55 / 30)) = min(3, 1) = 1 executor per node,
         * so the 120 executors at peak need 120 spot nodes and spot node-hours = 557.074 x 5 / 1 = 2,785.37.
         */
        PlanResult r = Plan.compute(inputs(Map.of("executor-memory-gib", "30")));
        assertEquals(1, r.application().executorsPerNode());
        assertEquals(120, r.peak().spotNodes());
        assertEquals(2_785.37, r.hoursPerDay().spotNodeHours(), 0.01);
    }

    @Test
    void aManifestSmallerThanOneExecutorStillGetsOne() {
        /*
         * 1 file of 0.001 GB = 1 MB at 30 MB/s = 0.033 core-seconds: ceil(0.033 / (5 x 540)) = 1 executor.
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
                "target-minutes-per-manifest", "1", "app-startup-seconds", "90",
                "executor-cores", "16", "driver-memory-gib", "60")));
        assertEquals(3, e.problems().size(), e.getMessage());
        assertTrue(e.problems().get(0).startsWith("target-minutes-per-manifest"), e.getMessage());
        assertTrue(e.problems().get(1).startsWith("an executor (16 cores"), e.getMessage());
        assertTrue(e.problems().get(2).startsWith("a driver (1 cores, 60.0 GiB)"), e.getMessage());
    }
}
