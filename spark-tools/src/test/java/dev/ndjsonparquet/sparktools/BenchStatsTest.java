package dev.ndjsonparquet.sparktools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code bench}'s arithmetic against figures worked out by hand. */
class BenchStatsTest {

    @Test
    void theMedianOfAnOddCountIsTheMiddleValueAndTheRangeIsTheExtremes() {
        BenchStats.Spread s = BenchStats.spread(List.of(13.6, 11.8, 13.0));
        assertEquals(13.0, s.median());
        assertEquals(11.8, s.min());
        assertEquals(13.6, s.max());
        assertEquals("13.0 (11.8-13.6)", s.format(1));
    }

    @Test
    void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        // sorted: 6.1 6.4 6.9 7.5 -> (6.4 + 6.9) / 2 = 6.65
        BenchStats.Spread s = BenchStats.spread(List.of(7.5, 6.4, 6.1, 6.9));
        assertEquals(6.65, s.median(), 1e-12);
        assertEquals(6.1, s.min());
        assertEquals(7.5, s.max());
    }

    @Test
    void oneFigureIsPrintedWithoutARange() {
        assertEquals("219.0", BenchStats.spread(List.of(219.0)).format(1));
    }

    @Test
    void theSteadyStateIsTheExtraMegabytesOverTheExtraCpuSeconds() {
        // 1 GiB in 13.0 CPU-s, 4 GiB in 27.7: (4294.97 - 1073.74) / (27.7 - 13.0) = 3221.23 / 14.7 = 219.13
        assertEquals(219.13, BenchStats.steadyMbPerCpuSecond(1073.74, 13.0, 4294.97, 27.7), 0.005);
        // DuckDB, same sizes, 6.5 and 21.6 CPU-s: 3221.23 / 15.1 = 213.33
        assertEquals(213.33, BenchStats.steadyMbPerCpuSecond(1073.74, 6.5, 4294.97, 21.6), 0.005);
    }

    @Test
    void aLargeRunThatTookNoMoreCpuThanTheSmallOneHasNoSteadyStateAndLeavesTheMedian() {
        double none = BenchStats.steadyMbPerCpuSecond(1000, 10.0, 2000, 9.5);
        assertTrue(Double.isNaN(none));
        // 1000 / (20 - 10) = 100, 1000 / (15 - 10) = 200; the NaN is left out: median of 100 and 200 = 150
        BenchStats.Spread s = BenchStats.spread(Arrays.asList(BenchStats.steadyMbPerCpuSecond(1000, 10, 2000, 20),
                none, BenchStats.steadyMbPerCpuSecond(1000, 10, 2000, 15)));
        assertEquals(150.0, s.median());
        assertEquals(2, s.count());
    }

    @Test
    void ratiosAreTakenRunByRunNotFromTheMedians() {
        // engine 200, 240, 210 against DuckDB 200, 150, 210: 1.00, 1.60, 1.00 -> median 1.00 (1.00-1.60);
        // the ratio of the medians would be 210 / 200 = 1.05.
        List<Double> r = BenchStats.ratios(List.of(200.0, 240.0, 210.0), List.of(200.0, 150.0, 210.0));
        assertEquals(List.of(1.0, 1.6, 1.0), r);
        assertEquals("1.00 (1.00-1.60)", BenchStats.spread(r).format(2));
        assertThrows(IllegalArgumentException.class, () -> BenchStats.ratios(List.of(1.0), List.of(1.0, 2.0)));
    }
}
