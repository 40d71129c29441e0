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

    /**
     * The sample travels inside the inference tasks: a 3 MB sample (the 800 lines of a corpus file) is cut
     * into tasks of at most 512 KB, 6 here (it was one task per core, 1521 KiB each with two cores, over
     * Spark's 1000 KiB warning), and the schema is the one Spark infers from the whole file.
     */
    @Test
    void aLargeSampleIsInferredInTasksOfAtMostHalfAMegabyte() throws Exception {
        Path input = SharedSpark.corpus("2021-07-21-few-hours.json");
        List<Integer> taskCounts = new java.util.concurrent.CopyOnWriteArrayList<>();
        org.apache.spark.scheduler.SparkListener listener = new org.apache.spark.scheduler.SparkListener() {
            @Override
            public void onStageSubmitted(org.apache.spark.scheduler.SparkListenerStageSubmitted stage) {
                taskCounts.add(stage.stageInfo().numTasks());
            }
        };
        SharedSpark.get().sparkContext().listenerBus().waitUntilEmpty(30_000);
        SharedSpark.get().sparkContext().addSparkListener(listener);
        SchemaSource.Found inferred;
        try {
            inferred = SchemaSource.resolve(SharedSpark.get(), new Configuration(), null, null,
                    List.of(input.toUri().toString()), 1000, 1 << 20, false);
            SharedSpark.get().sparkContext().listenerBus().waitUntilEmpty(30_000);
        } finally {
            SharedSpark.get().sparkContext().removeSparkListener(listener);
        }
        long sampleBytes = Math.round(inferred.avgLineBytes() * 800);
        System.out.printf("inference of a %d-byte sample: stages of %s tasks%n", sampleBytes, taskCounts);
        assertTrue(inferred.source().startsWith("inferred from 800 lines"), inferred.source());
        assertTrue(sampleBytes > 3 * SchemaSource.SAMPLE_BYTES_PER_TASK, "sample of " + sampleBytes + " bytes");
        assertEquals(List.of((int) ((sampleBytes + SchemaSource.SAMPLE_BYTES_PER_TASK - 1) / SchemaSource.SAMPLE_BYTES_PER_TASK)),
                taskCounts, "one inference stage, tasks of at most 512 KB");
        assertEquals(SharedSpark.get().read().json(input.toString()).schema(), inferred.schema());
    }

    @Test
    void theSampleOfManyFilesStaysWithinItsTotalAndTakesEveryFile(@TempDir Path dir) throws Exception {
        // 40 files of about 200 KB each; a total of 1 MiB gives each file a 26 KB share (above the 16 KiB floor).
        java.util.ArrayList<String> files = new java.util.ArrayList<>();
        String padding = "p".repeat(180);
        for (int f = 0; f < 40; f++) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < 1000; i++) {
                // Lines of one length: file and line numbers written with a fixed width.
                text.append(String.format("{\"file\":\"%02d\",\"line\":\"%04d\",\"pad\":\"%s\"}%n", f, i, padding));
            }
            Path p = dir.resolve("f" + f + ".ndjson");
            Files.writeString(p, text);
            files.add(p.toUri().toString());
        }
        long total = 1L << 20;
        SchemaSource.Sample sample = SchemaSource.sample(new Configuration(), files, 1000, 1 << 20, total);
        long lineBytes = sample.lines().get(0).length();
        long share = total / files.size();
        assertTrue(sample.bytes() <= total + files.size() * lineBytes, "sample of " + sample.bytes() + " bytes");
        assertTrue(sample.bytes() >= total - files.size() * lineBytes, "sample of " + sample.bytes() + " bytes");
        for (int f = 0; f < 40; f++) {
            String name = String.format("{\"file\":\"%02d\",", f);
            long taken = sample.lines().stream().filter(l -> l.startsWith(name)).count();
            assertEquals((share + lineBytes - 1) / lineBytes, taken, "lines of file " + f);
        }
        // Without the total, the same files give their first 1,000 lines each (all of them): 40 times as much.
        SchemaSource.Sample uncapped = SchemaSource.sample(new Configuration(), files, 1000, 1 << 20, Long.MAX_VALUE);
        assertEquals(40_000, uncapped.lines().size());
    }
}
