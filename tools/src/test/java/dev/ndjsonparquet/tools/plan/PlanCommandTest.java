package dev.ndjsonparquet.tools.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ndjsonparquet.tools.cli.Main;
import dev.ndjsonparquet.tools.cli.PlanCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ndjson-parquet plan} end to end through the command line: exit codes, errors, table and JSON. */
class PlanCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(CommandLine cli, String... args) {
        cli.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private int main(String... args) {
        return run(Main.commandLine(), args);
    }

    private int withEnv(Map<String, String> env, String... args) {
        return run(new CommandLine(new PlanCommand(env)), args);
    }

    @Test
    void printsTheTableWithTheDefaults() {
        // The hand-computed figures (PlanTest) assume 30 MB/s per core; every other input is the default.
        assertEquals(0, main("plan", "--mb-per-second-per-core=30"), err.toString());
        String table = out.toString();
        assertTrue(table.contains("3,380 of 100 files"), table);
        assertTrue(table.contains("this plan                              412.04    12,361.18"), table);
        assertTrue(table.contains("3,960.00   118,800.00"), table);
        assertTrue(table.contains("$880.000/h x 4.50 h/day"), table);
        assertTrue(table.contains("$20.352/h x 12.00 h/day"), table);
        assertTrue(table.contains("note: peak-files-per-hour 7,000 is below the daily average"), table);
        assertEquals("", err.toString());
    }

    @Test
    void aNegativeNumberIsAUsageError() {
        assertEquals(2, main("plan", "--files-per-day=-5"));
        assertEquals("", out.toString());
        assertTrue(err.toString().contains("files-per-day (flag --files-per-day): '-5': must be at least 1"), err.toString());
    }

    @Test
    void aWordWhereANumberBelongsIsAUsageError() {
        assertEquals(2, main("plan", "--files-per-day=abc"));
        assertTrue(err.toString().contains("files-per-day (flag --files-per-day): 'abc': expected integer"), err.toString());
    }

    @Test
    void everyBadValueIsListedAtOnce() {
        assertEquals(2, withEnv(Map.of("FILE_SIZE_GB", "0"), "--files-per-day=abc", "--spot-price-per-hour=-1",
                "--max-files-per-manifest=0", "--executor-memory-gib=NaN"));
        String e = err.toString();
        assertTrue(e.contains("5 setting problem(s)"), e);
        assertTrue(e.contains("files-per-day (flag --files-per-day): 'abc': expected integer"), e);
        assertTrue(e.contains("file-size-gb (env FILE_SIZE_GB): '0': must be a number greater than 0"), e);
        assertTrue(e.contains("max-files-per-manifest (flag --max-files-per-manifest): '0': must be at least 1"), e);
        assertTrue(e.contains("executor-memory-gib (flag --executor-memory-gib): 'NaN': must be a number greater than 0"), e);
        assertTrue(e.contains("spot-price-per-hour (flag --spot-price-per-hour): '-1': must be a number of at least 0"), e);
    }

    @Test
    void combinationsThatCannotWorkAreAUsageError() {
        assertEquals(2, main("plan", "--min-executors=5", "--max-executors=2", "--node-vcpu=4"));
        assertTrue(err.toString().contains("2 setting problem(s)"), err.toString());
    }

    @Test
    void anUnknownOptionIsAUsageError() {
        assertEquals(2, main("plan", "--files-a-day=5"));
    }

    @Test
    void jsonParsesBackWithTheSameFigures() throws Exception {
        assertEquals(0, main("plan", "--json", "--files-per-day=150000", "--file-size-gb=3.5",
                "--mb-per-second-per-core=50"), err.toString());
        JsonNode plan = new ObjectMapper().readTree(out.toString());
        // the figures of PlanTest.lowEndOfTheRangeWithAFasterRate
        assertEquals(150_000, plan.at("/inputs/filesPerDay").asLong());
        assertEquals(1_500, plan.at("/workload/manifestsPerDay").asLong());
        assertEquals(21, plan.at("/application/executors").asInt());
        assertEquals(3, plan.at("/peak/applications").asInt());
        assertEquals(21, plan.at("/peak/spotNodes").asInt());
        assertEquals(2.1991, plan.at("/average/applications").asDouble(), 1e-4);
        assertEquals(52.778, plan.at("/hoursPerDay/applicationHours").asDouble(), 1e-3);
        assertEquals(120.613, plan.at("/cost/perDay").asDouble(), 1e-3);
        assertEquals(3_618.4, plan.at("/cost/perMonth").asDouble(), 0.1);
        assertEquals(3, plan.at("/original").size());
        assertEquals(880.0, plan.at("/original/0/phases/0/perHour").asDouble(), 1e-9);
        assertEquals(1_537.72, plan.at("/original/0/perDay").asDouble(), 0.01);
        assertEquals(0, plan.at("/notes").size());
    }

    @Test
    void flagsBeatEnvironmentBeatsConfigFileBeatsDefaults(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("plan.properties");
        Files.writeString(config, "files-per-day=100000\nfile-size-gb=2\nmax-files-per-manifest=50\n");
        assertEquals(0, withEnv(Map.of("FILES_PER_DAY", "200000", "FILE_SIZE_GB", "3"),
                "--json", "--config=" + config, "--files-per-day=300000"), err.toString());
        JsonNode in = new ObjectMapper().readTree(out.toString()).get("inputs");
        assertEquals(300_000, in.get("filesPerDay").asLong());       // flag
        assertEquals(3.0, in.get("fileSizeGb").asDouble(), 1e-12);   // environment
        assertEquals(50, in.get("filesPerManifest").asInt());        // config file
        assertEquals(7_000, in.get("peakFilesPerHour").asLong());    // default
    }

    @Test
    void aBadValueInTheConfigFileIsAUsageError(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("plan.properties");
        Files.writeString(config, "files-per-day=lots\nfiles-per-week=5\n");
        assertEquals(2, withEnv(Map.of(), "--config=" + config));
        assertTrue(err.toString().contains("files-per-day (config file): 'lots': expected integer"), err.toString());
        assertTrue(err.toString().contains("config file has unknown setting 'files-per-week'"), err.toString());
    }

    @Test
    void aMissingConfigFileIsAUsageError(@TempDir Path dir) {
        assertEquals(2, withEnv(Map.of(), "--config=" + dir.resolve("absent.properties")));
        assertTrue(err.toString().contains("cannot be read"), err.toString());
    }
}
