package dev.ndjsonparquet.spark.job;

import dev.ndjsonparquet.spark.output.ConversionResult;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.conversion.ConversionSettings;
import dev.ndjsonparquet.settings.SettingsResolver;
import dev.ndjsonparquet.spark.cli.TelemetryGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The columnar writer rolls files at the target size, measured on the bytes it wrote; no row is lost. */
class ColumnarFileSizeTest {

    @TempDir
    Path dir;

    @Test
    void filesAreRolledAtTheTargetSize() throws Exception {
        Path input = dir.resolve("telemetry.ndjson");
        long records = TelemetryGenerator.write(input, 24L << 20, 5);
        ConversionSettings.Values s = ConversionSettings.Values.from(SettingsResolver.resolve(ConversionSettings.ALL,
                Map.of("target-file-size-mb", "1", "partition-by", "none", "schema", TelemetryGenerator.SCHEMA),
                Map.of(), Map.of()));
        ConversionResult r = SharedSpark.convert(s, dir.resolve("out"), input).result();
        assertEquals(records, r.rowsWritten());
        List<Path> files;
        try (var walk = Files.walk(Path.of(r.dataLocation().replace("file:", "")))) {
            files = walk.filter(p -> p.toString().endsWith(".parquet")).toList();
        }
        assertEquals(r.outputFiles(), files.size());
        assertTrue(files.size() >= 2, "a few MB of Parquet in files of about 1 MB: " + files.size() + " file(s)");
        for (Path f : files) {
            assertTrue(Files.size(f) < 2L << 20, f + " is " + Files.size(f) + " bytes, target 1 MB");
        }
        assertEquals(records, SharedSpark.get().read().parquet(r.dataLocation()).count());
    }
}
