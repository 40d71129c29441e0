package dev.ndjsonparquet.sparktools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code convert} command: the shipped sample through the whole engine, and clear usage errors. */
class ConvertCommandTest {

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine cl = SparkCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void convertsTheShippedSampleAndPrintsTheResultRecordAsJson() throws Exception {
        Path sample = Path.of("..", "samples", "events.ndjson").toAbsolutePath().normalize();
        Run r = run("convert", "--input", sample.getParent().toString(), "--output", dir.toString(), "--json",
                "--cores", "2");
        assertEquals(0, r.exit(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals(300, json.get("linesRead").asLong());
        assertEquals(297, json.get("rowsWritten").asLong());
        assertEquals(3, json.get("badRecords").asLong());
        assertEquals(1, json.get("blankLines").asLong());
        assertTrue(json.get("quarantinedFiles").isArray());
        assertTrue(Files.exists(dir.resolve("_results")));
    }

    @Test
    void missingInputIsAClearErrorWithExitCode2() {
        Run r = run("convert", "--input", dir.resolve("nope").toString(), "--output", dir.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("input not found: " + dir.resolve("nope")), r.err());
    }

    @Test
    void unknownFlagsAndBadValuesAreUsageErrors() {
        Run unknown = run("convert", "--input", dir.toString(), "--output", dir.toString(), "--bogus");
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("Unknown option: '--bogus'"), unknown.err());
        Run bad = run("convert", "--input", dir.toString(), "--output", dir.toString(), "--split-size-mb", "0",
                "--compression", "brotli");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("split-size-mb") && bad.err().contains("compression"), bad.err());
        Run missing = run("convert", "--input", dir.toString());
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("Missing required option: '--output=<directory>'"), missing.err());
    }
}
