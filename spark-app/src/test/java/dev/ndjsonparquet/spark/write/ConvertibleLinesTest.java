package dev.ndjsonparquet.spark.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ndjsonparquet.spark.commit.Checkpoints;
import dev.ndjsonparquet.spark.read.FileSplitRange;
import dev.ndjsonparquet.spark.read.SplitLines;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The line handling both write paths share: every non-blank line reaches the checkpoints in order, a line over the
 * limit becomes a bad record with its full length and never reaches the converter, a refused line becomes a bad record
 * with the converter's reason.
 */
class ConvertibleLinesTest {

    @TempDir
    Path dir;

    @Test
    void tooLongLinesAndRefusedLinesBecomeBadRecordsAndEveryLineIsCheckpointed() throws IOException {
        // Longer than the reader's 1 MiB buffer (NdjsonLineReaderTest covers a line over the limit that the buffer holds).
        String tooLong = "{\"id\":2,\"v\":\"" + "x".repeat(1_200_000) + "\"}";
        Path file = Files.writeString(dir.resolve("in.ndjson"),
                "{\"id\":1}\n" + tooLong + "\n\n[\"refuse me\"]\n{\"id\":4}\n", StandardCharsets.UTF_8);
        FileSplitRange split = new FileSplitRange(7, 0, 0, file.toUri().toString(), 0, Files.size(file), false);
        List<Long> checkpointed = new ArrayList<>();
        Checkpoints checkpoints = new Checkpoints() {
            @Override
            public void reached(Point point, int attempt) {
            }

            @Override
            public void lineRead(int splitIndex, long nonBlankLine) {
                assertEquals(7, splitIndex);
                checkpointed.add(nonBlankLine);
            }
        };
        Configuration conf = new Configuration();
        Path badFile = dir.resolve("bad.jsonl");
        List<String> converted = new ArrayList<>();
        BadRecordWriter bad = new BadRecordWriter(new org.apache.hadoop.fs.Path(badFile.toUri()), conf, 1000);
        try (SplitLines lines = SplitLines.open(split, conf, 4096)) {
            ConvertibleLines convertible = new ConvertibleLines(lines, bad, checkpoints, split.index());
            while (convertible.next()) {
                String line = new String(convertible.buffer(), convertible.offset(), convertible.length(), StandardCharsets.UTF_8);
                converted.add(line);
                if (line.startsWith("[")) {
                    convertible.reject("not a JSON object: top-level array");
                }
            }
        }
        bad.close();

        assertEquals(List.of("{\"id\":1}", "[\"refuse me\"]", "{\"id\":4}"), converted, "the too-long line is not offered");
        assertEquals(List.of(1L, 2L, 3L, 4L), checkpointed, "every non-blank line, the too-long one included");
        assertEquals(2, bad.count());
        List<String> records = Files.readAllLines(badFile);
        assertEquals(2, records.size());
        ObjectMapper json = new ObjectMapper();
        JsonNode first = json.readTree(records.get(0));
        assertEquals(7, first.get("split").asInt());
        assertEquals(2, first.get("line_in_split").asLong());
        assertEquals(9, first.get("byte_offset").asLong());
        assertTrue(first.get("reason").asText().startsWith("line longer than 4096 bytes"), first.toString());
        assertEquals(tooLong.length(), first.get("raw_line_bytes").asLong());
        JsonNode second = json.readTree(records.get(1));
        assertEquals(4, second.get("line_in_split").asLong());
        assertEquals("not a JSON object: top-level array", second.get("reason").asText());
        assertEquals("[\"refuse me\"]", second.get("raw_line").asText());
        assertFalse(second.get("raw_line_truncated").asBoolean());
    }
}
