package dev.ndjsonparquet.spark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ndjsonparquet.conversion.ConversionSettings;
import dev.ndjsonparquet.conversion.WriterEngine;
import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestCodec;
import dev.ndjsonparquet.manifest.ManifestFile;
import dev.ndjsonparquet.spark.output.ConversionResult;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A storage error in the middle of a split (a connection reset, a store client's unchecked error) is transient: the
 * task fails and Spark runs it again, and the file converts whole. Only the decompressor finding the data corrupt
 * quarantines a file. (Any RuntimeException while reading a compressed file quarantined it, good file and all.)
 */
class TransientReadErrorTest {

    @TempDir
    Path dir;
    private final SparkSession spark = SharedSpark.get();

    @BeforeEach
    void install() throws IOException {
        FlakyFileSystem.install(spark.sparkContext().hadoopConfiguration());
    }

    @AfterEach
    void uninstall() throws IOException {
        FlakyFileSystem.uninstall(spark.sparkContext().hadoopConfiguration());
    }

    @ParameterizedTest(name = "{0}, {1}, checked {2}")
    @CsvSource({"COLUMNAR,gz,true", "COLUMNAR,gz,false", "COLUMNAR,ndjson,false", "SPARK,gz,false", "SPARK,ndjson,true"})
    void aStorageErrorMidSplitIsRetriedNotQuarantined(WriterEngine writer, String kind, boolean checked) throws IOException {
        String name = "events-" + writer + "-" + checked + "." + kind;
        Path file = dir.resolve(name);
        byte[] body = body(20_000);
        if (kind.equals("gz")) {
            try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(file))) {
                o.write(body);
            }
        } else {
            Files.write(file, body);
        }
        FlakyFileSystem.failOnce(name, Files.size(file) / 2, checked);
        String uri = file.toUri().toString();
        Path out = dir.resolve("out");
        Manifest m = Manifest.of(Instant.parse("2026-11-26T00:00:00Z"), List.of(new ManifestFile(uri, Files.size(file), null)),
                out.toUri().toString(), null);
        Path manifest = out.resolve("_manifests").resolve(m.manifestId() + ".json");
        Files.createDirectories(manifest.getParent());
        Files.write(manifest, ManifestCodec.encode(m));

        ConversionResult r = new ManifestConversion(spark, ConversionSettings.Values.defaults().withSchema("id BIGINT")
                .withWriter(writer)).run(manifest.toUri().toString()).result();

        assertEquals(1, FlakyFileSystem.fired(name), "the fault fired");
        assertEquals(List.of(), r.quarantinedFiles());
        assertEquals(20_000, r.rowsWritten());
        assertEquals(20_000, spark.read().parquet(r.dataLocation()).select("id").distinct().count());
        assertEquals(20_000, spark.read().parquet(r.dataLocation()).count());
    }

    private static byte[] body(int lines) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            sb.append("{\"id\":").append(i).append("}\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
