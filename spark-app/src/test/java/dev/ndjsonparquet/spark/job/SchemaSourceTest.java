package dev.ndjsonparquet.spark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The driver reads input for the schema only when it must: to infer it, or to measure lines for the Spark writer. */
class SchemaSourceTest {

    @TempDir
    Path dir;

    @Test
    void aGivenSchemaReadsNoInputUnlessTheLineSizeIsWanted() throws Exception {
        Path input = dir.resolve("in.ndjson");
        Files.writeString(input, "{\"a\":1,\"b\":\"xyz\"}\n{\"a\":2,\"b\":\"xyz\"}\n");
        List<String> files = List.of(input.toUri().toString());
        Configuration conf = new Configuration();

        SchemaSource.Found columnar = SchemaSource.resolve(SharedSpark.get(), conf, "a INT", null, files, 100, 1 << 20, false);
        assertEquals("explicit", columnar.source());
        assertEquals(0, columnar.avgLineBytes(), "no line was sampled");

        SchemaSource.Found sparkWriter = SchemaSource.resolve(SharedSpark.get(), conf, "a INT", null, files, 100, 1 << 20, true);
        assertEquals(17, sparkWriter.avgLineBytes(), "both sampled lines are 17 bytes");

        SchemaSource.Found inferred = SchemaSource.resolve(SharedSpark.get(), conf, null, null, files, 100, 1 << 20, false);
        assertTrue(inferred.source().startsWith("inferred from 2 lines"), inferred.source());
        assertEquals(List.of("a", "b"), List.of(inferred.schema().fieldNames()));
    }
}
