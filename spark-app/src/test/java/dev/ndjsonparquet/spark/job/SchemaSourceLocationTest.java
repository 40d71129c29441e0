package dev.ndjsonparquet.spark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The explicit schema is DDL unless it is one token naming a file (common's SchemaText, the rule the controllers'
 * start-up check uses too): a DDL whose COMMENT holds a URI was taken for a location, and the driver failed reading
 * a "file" named after the whole schema.
 */
class SchemaSourceLocationTest {

    @TempDir
    Path dir;

    @Test
    void ddlWithAUriInACommentIsParsedAndAFileIsRead() throws Exception {
        String ddl = "id BIGINT COMMENT 'documented at s3://docs/events/', ts TIMESTAMP";
        SchemaSource.Found inline = SchemaSource.resolve(SharedSpark.get(), new Configuration(), ddl, null, List.of(), 10, 1 << 20, false);
        assertEquals(StructType.fromDDL(ddl), inline.schema());

        Path file = dir.resolve("events.ddl");
        Files.writeString(file, "id BIGINT, name STRING");
        SchemaSource.Found fromFile = SchemaSource.resolve(SharedSpark.get(), new Configuration(), file.toUri().toString(), null,
                List.of(), 10, 1 << 20, false);
        assertEquals(StructType.fromDDL("id BIGINT, name STRING"), fromFile.schema());
    }
}
