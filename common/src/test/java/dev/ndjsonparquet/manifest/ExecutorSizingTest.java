package dev.ndjsonparquet.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ndjsonparquet.settings.SettingsException;
import dev.ndjsonparquet.settings.SettingsResolver;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one sizing rule the dispatcher and {@code plan} share, against figures computed by hand. */
class ExecutorSizingTest {

    private static final long GIB = 1L << 30;

    private static ExecutorSizing resolve(Map<String, String> flags) {
        return ExecutorSizing.from(SettingsResolver.resolve(List.of(ExecutorSizing.BYTES_PER_EXECUTOR_GB,
                ExecutorSizing.MIN_EXECUTORS, ExecutorSizing.MAX_EXECUTORS), flags, Map.of(), Map.of()));
    }

    @Test
    void defaultsGiveA400GbManifest24Executors() {
        // 100 files x 4 GB = 4 x 10^11 bytes; / (16 x 2^30 = 17,179,869,184) = 23.28 -> 24
        assertEquals(24, resolve(Map.of()).executorsFor(400_000_000_000L));
    }

    @Test
    void oneExecutorPerStartedSizeWithinTheBounds() {
        ExecutorSizing s = new ExecutorSizing(16, 2, 40);
        assertEquals(2, s.executorsFor(0));
        assertEquals(2, s.executorsFor(GIB));
        assertEquals(25, s.executorsFor(400 * GIB));       // 400 / 16 = 25 exactly
        assertEquals(26, s.executorsFor(400 * GIB + 1));   // one byte more starts the 26th
        assertEquals(40, s.executorsFor(5000 * GIB));      // 313 capped
    }

    @Test
    void minAboveMaxIsASettingsProblem() {
        SettingsException e = assertThrows(SettingsException.class,
                () -> resolve(Map.of("min-executors", "5", "max-executors", "2")));
        assertEquals(List.of("min-executors (5) is more than max-executors (2)"), e.problems());
    }
}
