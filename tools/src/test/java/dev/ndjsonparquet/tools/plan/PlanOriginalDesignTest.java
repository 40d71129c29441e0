package dev.ndjsonparquet.tools.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The original design's own figures, reproduced with its own formulas. */
class PlanOriginalDesignTest {

    @Test
    void parallelGlueCostsWhatTheOriginalDesignSays() {
        // 50 jobs x 20 workers x 2 DPU x $0.44/DPU-hour = $880/hour
        assertEquals(880.0, OriginalDesign.glueHourly(50, 20), 1e-9);
        // 4.5 hours x $880 = $3,960/day; x 30 = $118,800/month
        OriginalDesign.Option glue = OriginalDesign.options(1.0).get(0);
        assertEquals(4.5, glue.phases().get(0).hoursPerDay(), 1e-12);
        assertEquals(3_960.0, glue.perDay(), 1e-9);
        assertEquals(118_800.0, glue.perMonth(), 1e-6);
        // 50 x 20 G.2X x 8 vCPU = 8,000 vCPU x 4.5 h = 36,000 vCPU-hours
        assertEquals(36_000.0, glue.vcpuHoursPerDay(), 1e-9);
    }

    @Test
    void moreWorkersPerJobCostsWhatTheOriginalDesignSays() {
        // 30 x 30 x 2 x $0.44 = $792/hour x 10 h = $7,920/day; x 30 = $237,600/month
        assertEquals(792.0, OriginalDesign.glueHourly(30, 30), 1e-9);
        OriginalDesign.Option more = OriginalDesign.options(1.0).get(1);
        assertEquals(7_920.0, more.perDay(), 1e-9);
        assertEquals(237_600.0, more.perMonth(), 1e-6);
    }

    @Test
    void emrCostsWhatTheOriginalDesignSays() {
        // $0.192 + 20 x $1.008 = $20.352, the original's "$20.35/hour"
        assertEquals(20.352, OriginalDesign.emrHourly(20), 1e-9);
        assertEquals(20.35, Math.round(OriginalDesign.emrHourly(20) * 100) / 100.0, 1e-12);
        // average cluster: $20.352 x 12 h = $244.224/day (the original's "$244/day", $7,326.72/month ~ "$7,320")
        // peak: ($0.192 + 50 x $1.008) x 4 h = $50.592 x 4 = $202.368/day (the original rounds to "$50/hour", "$200/day")
        // total $446.592/day, $13,397.76/month (the original's "~$13,000/month")
        OriginalDesign.Option emr = OriginalDesign.options(1.0).get(2);
        List<OriginalDesign.Phase> phases = emr.phases();
        assertEquals(244.224, phases.get(0).perDay(), 1e-9);
        assertEquals(202.368, phases.get(1).perDay(), 1e-9);
        assertEquals(446.592, emr.perDay(), 1e-9);
        assertEquals(13_397.76, emr.perMonth(), 1e-6);
    }

    @Test
    void theComparisonShowsTheSavingAgainstEachOption() {
        /*
         * default plan $12,361.18/month (see PlanTest)
         * Glue option 1: 118,800 - 12,361.18 = 106,438.82 saved, 89.6 per cent
         * EMR: 13,397.76 - 12,361.18 = 1,036.58 saved, 7.7 per cent
         * implied rate of option 1: 1,352 TB = 1.352e9 MB / (36,000 vCPU-h x 3600) = 10.43 MB/s per vCPU
         * implied rate of EMR: 1.352e9 / ((320 x 12 + 800 x 4) = 7,040 vCPU-h x 3600) = 53.35 MB/s per vCPU
         */
        PlanResult r = Plan.compute(PlanTest.inputs(Map.of()));
        PlanResult.Comparison glue = r.original().get(0);
        PlanResult.Comparison emr = r.original().get(2);
        assertEquals(118_800.0, glue.perMonth(), 1e-6);
        assertEquals(106_438.82, glue.monthlySaving(), 0.01);
        assertEquals(89.6, glue.savingPercent(), 0.05);
        assertEquals(10.43, glue.impliedMbPerSecondPerVcpu(), 0.005);
        assertEquals(1_036.58, emr.monthlySaving(), 0.01);
        assertEquals(7.7, emr.savingPercent(), 0.05);
        assertEquals(53.35, emr.impliedMbPerSecondPerVcpu(), 0.005);
    }

    @Test
    void theOriginalHoursFollowTheDailyVolume() {
        // half the files of the same size: half the hours, half the cost
        double scale = OriginalDesign.volumeScale(169_000, 4.0);
        assertEquals(0.5, scale, 1e-12);
        assertEquals(59_400.0, OriginalDesign.options(scale).get(0).perMonth(), 1e-6);
    }
}
