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

/** The result record says what the manifest's run held and cost, at the declared core-hour price. */
class ResultUsageTest {

    @TempDir
    Path dir;

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
        int cores = SharedSpark.get().sparkContext().defaultParallelism();
        assertEquals(cores * r.durationsMs().total() / 1000.0, u.executorCoreSeconds(), 1e-6, "cores held over the run");
        assertTrue(u.taskSeconds() >= 0 && u.taskSeconds() <= u.executorCoreSeconds() + 1, u.toString());
        assertEquals(u.executorCoreSeconds() / 3600 * settings.executorCoreHourPriceUsd(), u.costEstimateUsd(), 1e-12);
        assertEquals(u.costEstimateUsd() / (r.bytesIn() / 1e12), u.costPerTbUsd(), 1e-6);
        assertEquals(u, ConversionResult.fromJson(r.toJson()).usage(), "kept in the JSON record");
    }
}
