package dev.ndjsonparquet.tools.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.tools.cli.RunCommand;
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

/** {@code run --watch}: converts a file added while it runs, and stops cleanly when interrupted. */
class RunWatchIT {

    @TempDir
    Path tmp;

    @Test
    void aFileAddedWhileWatchingIsConverted() throws Exception {
        Map<String, String> env = SparkAppBuild.launcherEnvironment();
        Set<Thread> before = SparkAppBuild.nonDaemonThreads();
        Path input = Files.createDirectories(tmp.resolve("in"));
        Path output = tmp.resolve("out");
        CapturedCommand run = new CapturedCommand(new RunCommand(env));
        AtomicInteger exit = new AtomicInteger(-1);
        Thread command = new Thread(() -> {
            exit.set(run.execute("--input", input.toString(), "--output", output.toString(), "--watch",
                    "--max-batch-age-seconds", "1", "--local-spark-cores", "1"));
        }, "run-watch-under-test");
        command.start();
        SparkAppBuild.await(Duration.ofMinutes(1), () -> run.out().contains("watching ") || !command.isAlive(),
                "run --watch to start watching");
        assertTrue(command.isAlive(), () -> "run --watch ended early:\n" + run.out() + "\n" + run.err());

        // Written elsewhere, then moved in whole, as a copy into a watched folder should be done.
        Path staging = Files.createDirectories(tmp.resolve("staging"));
        SampleData.write(staging, 1, 150_000, 3, 0, 12);
        Files.move(staging.resolve("events-0001.ndjson"), input.resolve("late-arrival.ndjson"), StandardCopyOption.ATOMIC_MOVE);
        Path results = output.resolve("_results");
        SparkAppBuild.await(Duration.ofMinutes(3), () -> SparkAppBuild.files(results, ".json") == 1 || !command.isAlive(),
                "the file added while watching to be converted");
        // The result record is written before the application's JVM ends; the progress line says when it has.
        SparkAppBuild.await(Duration.ofMinutes(1), () -> run.out().contains("0 running, 1 done") || !command.isAlive(),
                "the application to end");

        command.interrupt();
        command.join(60_000);
        assertFalse(command.isAlive(), "run --watch stops when interrupted");
        assertEquals(0, exit.get(), () -> run.out() + "\n" + run.err());
        assertEquals(List.of(), SparkAppBuild.leftoverThreads(before), "non-daemon threads left behind");

        long[] good = SparkAppBuild.goodRecords(List.of(input.resolve("late-arrival.ndjson")));
        assertEquals(List.of(good[0], good[1]), SparkAppBuild.query("SELECT count(*), sum(id) FROM read_parquet('"
                + output + "/ingest_date=*/manifest_id=*/*.parquet')"));
        String text = run.out();
        assertTrue(text.contains("1 offered: 1 batched into 1 manifest(s)"), text);
        assertTrue(text.contains(String.format("%,d rows written, 3 bad records", good[0])), text);
    }
}
