package dev.ndjsonparquet.controller.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.controller.cli.RunCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code run --watch}: converts what is there, then a file added while it runs, and stops cleanly when interrupted. */
class RunWatchIT {

    @TempDir
    Path tmp;

    @Test
    void aFileAddedWhileWatchingIsConverted() throws Exception {
        Map<String, String> env = SparkAppBuild.launcherEnvironment();
        Set<Thread> before = SparkAppBuild.nonDaemonThreads();
        Path input = Files.createDirectories(tmp.resolve("in"));
        Path output = tmp.resolve("out");
        SampleData.write(input, 1, 150_000, 2, 0, 11);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        AtomicInteger exit = new AtomicInteger(-1);
        Thread command = new Thread(() -> {
            CommandLine cli = new CommandLine(new RunCommand(env));
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            exit.set(cli.execute("--input", input.toString(), "--output", output.toString(), "--watch",
                    "--max-batch-age-seconds", "1", "--local-spark-cores", "1"));
        }, "run-watch-under-test");
        command.start();
        Path results = output.resolve("_results");
        SparkAppBuild.await(Duration.ofMinutes(3), () -> SparkAppBuild.files(results, ".json") == 1 || !command.isAlive(),
                "the first file's manifest to be converted");
        assertTrue(command.isAlive(), () -> "run --watch ended early:\n" + out + "\n" + err);

        Path staging = Files.createDirectories(tmp.resolve("staging"));
        SampleData.write(staging, 1, 120_000, 3, 0, 12);
        Files.move(staging.resolve("events-0001.ndjson"), input.resolve("late-arrival.ndjson"), StandardCopyOption.ATOMIC_MOVE);
        SparkAppBuild.await(Duration.ofMinutes(3), () -> SparkAppBuild.files(results, ".json") == 2 || !command.isAlive(),
                "the file added while watching to be converted");
        // The result record is written before the application's JVM ends; the progress line says when it has.
        SparkAppBuild.await(Duration.ofMinutes(1), () -> out.toString().contains("0 running, 2 done") || !command.isAlive(),
                "the second application to end");

        command.interrupt();
        command.join(60_000);
        assertFalse(command.isAlive(), "run --watch stops when interrupted");
        assertEquals(0, exit.get(), () -> out + "\n" + err);
        assertEquals(List.of(), SparkAppBuild.leftoverThreads(before), "non-daemon threads left behind");

        long[] good = SparkAppBuild.goodRecords(List.of(input.resolve("events-0001.ndjson"), input.resolve("late-arrival.ndjson")));
        assertEquals(List.of(good[0], good[1]), SparkAppBuild.query("SELECT count(*), sum(id) FROM read_parquet('"
                + output + "/ingest_date=*/manifest_id=*/*.parquet')"));
        String text = out.toString();
        assertTrue(text.contains("2 offered: 2 batched into 2 manifest(s)"), text);
        assertTrue(text.contains(String.format("%,d rows written, 5 bad records", good[0])), text);
    }
}
