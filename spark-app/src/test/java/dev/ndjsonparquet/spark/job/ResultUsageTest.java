package dev.ndjsonparquet.spark.job;

import dev.ndjsonparquet.spark.output.ConversionResult;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.conversion.ConversionSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The result record says what the manifest's run held and cost, at the declared core-hour price. The arithmetic is
 * checked against values worked out by hand (as RunUsageTest does for the dispatcher's side), not against the formula.
 */
class ResultUsageTest {

    @TempDir
    Path dir;

    @Test
    void coreSecondsCostAndCostPerTerabyteWorkedOutByHand() {
        // 4 cores held for 90 s: 360 core-seconds = 0.1 core-hours; at 0.0207 USD a core-hour: 0.00207 USD;
        // for 2 TB in: 0.001035 USD per TB. The tasks ran 150 s in all.
        ConversionResult.Usage u = ConversionResult.Usage.of(4, 90_000, 150_000, 2_000_000_000_000L, 0.0207);
        assertEquals(360.0, u.executorCoreSeconds(), 1e-9);
        assertEquals(150.0, u.taskSeconds(), 1e-9);
        assertEquals(0.00207, u.costEstimateUsd(), 1e-12);
        assertEquals(0.001035, u.costPerTbUsd(), 1e-12);

        // 2 cores for 1.5 s at 0.36 USD a core-hour: 3 core-seconds, 0.0003 USD; no bytes in: no cost per TB.
        ConversionResult.Usage idle = ConversionResult.Usage.of(2, 1_500, 0, 0, 0.36);
        assertEquals(3.0, idle.executorCoreSeconds(), 1e-9);
        assertEquals(0.0003, idle.costEstimateUsd(), 1e-12);
        assertEquals(0.0, idle.costPerTbUsd());
    }

    @Test
    void theResultRecordCarriesExecutorCoreSecondsAndTheirCost() throws Exception {
        Path input = dir.resolve("in.ndjson");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 5_000; i++) {
            sb.append("{\"id\":").append(i).append(",\"name\":\"n").append(i).append("\"}\n");
        }
        Files.writeString(input, sb);
        ConversionSettings.Values settings = ConversionSettings.Values.defaults().withSchema("id BIGINT, name STRING");
        ConversionResult r = SharedSpark.convert(settings, dir.resolve("out"), input).result();

        ConversionResult.Usage u = r.usage();
        assertNotNull(u, "usage in the result record");
        assertTrue(u.executorCoreSeconds() > 0 && u.costEstimateUsd() > 0 && u.costPerTbUsd() > 0, u.toString());
        assertTrue(u.taskSeconds() >= 0 && u.taskSeconds() <= u.executorCoreSeconds() + 1, u.toString());
        assertEquals(u, ConversionResult.fromJson(r.toJson()).usage(), "kept in the JSON record");
    }
}
