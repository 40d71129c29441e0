package dev.ndjsonparquet.tools.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.controller.dispatch.OperatorKind;
import dev.ndjsonparquet.tools.cli.DemoCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code demo} end to end at a small size: the real builder, dispatcher and Spark application (child JVMs
 * from the packaged spark-app). The Parquet read back holds exactly the good records of the files inside
 * the size band; the bad lines are bad records; the oversized file is reported as quarantined. The same on both
 * operators ({@code --spark-operator kubeflow|apache}): the local runner plays the one chosen, and the applications
 * the dispatcher made are of that operator's kind.
 */
class DemoIT {

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "--spark-operator {0}")
    @EnumSource(OperatorKind.class)
    void theDemoConvertsExactlyTheGoodRecordsReportsTheRestAndLeavesNothingRunning(OperatorKind operator) throws Exception {
        Map<String, String> env = SparkAppBuild.launcherEnvironment();
        Set<Thread> before = SparkAppBuild.nonDaemonThreads();
        Path dir = tmp.resolve("demo-" + operator);
        CapturedCommand demo = new CapturedCommand(new DemoCommand(env));

        int exit = demo.execute("--dir", dir.toString(), "--files", "3", "--file-size-mb", "0.25", "--bad-lines-per-file", "4",
                "--max-batch-age-seconds", "1", "--local-spark-cores", "1",
                "--spark-operator", operator.name().toLowerCase(java.util.Locale.ROOT));

        String text = demo.out();
        assertEquals(0, exit, () -> "exit code; stdout:\n" + text + "\nstderr:\n" + demo.err());
        assertEquals(List.of(), SparkAppBuild.leftoverThreads(before), "non-daemon threads left behind");

        List<Path> inBand = SparkAppBuild.inBand(dir);
        assertEquals(3, inBand.size());
        long[] good = SparkAppBuild.goodRecords(inBand);
        Path table = dir.resolve("buckets/lake/events");
        List<Long> rows = SparkAppBuild.query("SELECT count(*), sum(id), count(DISTINCT id) FROM read_parquet('"
                + table + "/ingest_date=*/manifest_id=*/*.parquet')");
        assertEquals(List.of(good[0], good[1], good[0]), rows, "rows, sum of ids, distinct ids");
        assertEquals(List.of(12L, 12L), SparkAppBuild.query("SELECT count(*), count(reason) FROM read_parquet('"
                + table + "/_bad_records/manifest_id=*/*.parquet')"), "bad records, each with a reason");
        assertEquals(1, SparkAppBuild.files(table.resolve("_results"), ".json"), "the manifest's result record");

        assertTrue(text.contains("3 batched into 1 manifest(s), 1 quarantined"), text);
        assertTrue(text.contains(String.format("%,d rows written, 12 bad records", good[0])), text);
        assertTrue(text.contains("events-oversized.ndjson: too-large"), text);
        assertTrue(text.contains("Parquet      " + table), text);
        assertTrue(text.contains("bad records  " + table.resolve("_bad_records")), text);
        assertTrue(text.contains("results      " + table.resolve("_results")), text);
        assertTrue(text.matches("(?s).*Spark runs   [0-9.]+ s in 1 run\\(s\\): [0-9.]+ s JVM and Spark start-up, [0-9.]+ s planning, "
                + "[0-9.]+ s converting, [0-9.]+ s committing.*"), text);
        assertTrue(text.matches("(?s).*throughput   [0-9.]+ MB/s converting .*"), text);
        assertTrue(!text.contains("\"level\""), "the pipeline's JSON log lines stay out of the output:\n" + text);
        String log = Files.readString(dir.resolve("logs/pipeline.log"));
        assertTrue(log.contains("\"level\""), "they are in the log file");
        assertTrue(log.contains(operator == OperatorKind.APACHE ? "Apache Spark operator" : "kubeflow spark-operator"),
                "the dispatcher ran against the operator asked for");
        for (String state : operator == OperatorKind.APACHE ? List.of("Submitted", "DriverRequested", "RunningHealthy", "Succeeded",
                "ResourceReleased") : List.of("SUBMITTED", "RUNNING", "SUCCEEDING", "COMPLETED")) {
            assertTrue(log.contains("(attempt 1, execution 1): " + state), "the runner played the operator's " + state);
        }
        assertTrue(Files.exists(dir.resolve("buckets/pipeline/quarantine/too-large/landing/ndjson/events-oversized.ndjson")),
                "the oversized file is copied to the quarantine");
    }
}
