package dev.ndjsonparquet.spark.job;

import dev.ndjsonparquet.spark.output.ConversionResult;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.conversion.ConversionSettings;
import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestCodec;
import dev.ndjsonparquet.manifest.ManifestFile;
import dev.ndjsonparquet.spark.commit.Checkpoints;
import dev.ndjsonparquet.spark.faults.InjectedFailures;
import dev.ndjsonparquet.spark.faults.RecordLinesRead;
import dev.ndjsonparquet.spark.source.PinnedSource;
import dev.ndjsonparquet.spark.source.SourcePin;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An input overwritten after the driver planned the manifest: every task opens its split pinned to the
 * version the manifest names, so the file is quarantined as changed and none of its rows are kept,
 * not even those of splits that read the old version before the overwrite; the other files convert.
 */
class ChangedSourceTest {

    private static final SparkSession SPARK = SharedSpark.get();

    @RegisterExtension
    static final S3aMockServer S3_MOCK = S3aMockServer.forSpark(SPARK, "landing", "lake");

    private static final ConversionSettings.Values SETTINGS = ConversionSettings.Values.defaults()
            .withSchema("id BIGINT, v STRING").withSplitBytes(16_384);

    @TempDir
    Path dir;

    private static String lines(int from, int count, String tag) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < from + count; i++) {
            sb.append("{\"id\":").append(i).append(",\"v\":\"").append(tag).append(i).append("\"}\n");
        }
        return sb.toString();
    }

    /** Puts the objects and a manifest naming them with their ETags; returns the manifest's URI. */
    private static String s3Manifest(S3Client s3, String prefix, List<String> names, List<String> contents) {
        List<ManifestFile> files = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String key = prefix + names.get(i);
            byte[] body = contents.get(i).getBytes(StandardCharsets.UTF_8);
            String etag = s3.putObject(b -> b.bucket("landing").key(key), RequestBody.fromBytes(body)).eTag();
            files.add(new ManifestFile("s3a://landing/" + key, body.length, etag));
        }
        Manifest m = Manifest.of(Instant.parse("2026-11-26T01:00:00Z"), files, "s3a://lake/" + prefix + "out", null);
        s3.putObject(b -> b.bucket("lake").key(prefix + m.manifestId() + ".json"),
                RequestBody.fromBytes(ManifestCodec.encode(m)));
        return "s3a://lake/" + prefix + m.manifestId() + ".json";
    }

    private static void assertOnlyTheUnchangedRows(ConversionResult r, String changedUri, long expectedRows) {
        assertEquals(1, r.quarantinedFiles().size(), r.quarantinedFiles().toString());
        assertEquals(changedUri, r.quarantinedFiles().get(0).path());
        assertTrue(r.quarantinedFiles().get(0).reason().startsWith("object changed while converting"),
                r.quarantinedFiles().get(0).reason());
        assertEquals(r.files() - 1, r.filesConverted());
        Dataset<Row> rows = SPARK.read().parquet(r.dataLocation());
        assertEquals(expectedRows, rows.count());
        assertEquals(expectedRows, rows.select("id").distinct().count());
        assertEquals(0, rows.filter("v like 'changed%' or v like 'old%'").count(), "no row of the changed file");
        assertEquals(expectedRows, r.rowsWritten());
        assertEquals(expectedRows, r.linesRead());
    }

    @Test
    void anObjectOverwrittenAfterPlanningIsQuarantinedThroughS3a() throws IOException {
        S3Client s3 = S3_MOCK.createS3ClientV2();
        String manifest = s3Manifest(s3, "planned/", List.of("keep.ndjson", "changes.ndjson"),
                List.of(lines(0, 300, "keep"), lines(1000, 300, "old")));
        ManifestConversion.Outcome o = new ManifestConversion(SPARK, SETTINGS).withCheckpoints((point, attempt) -> {
            if (point == Checkpoints.Point.PLANNED) {
                s3.putObject(b -> b.bucket("landing").key("planned/changes.ndjson"),
                        RequestBody.fromString(lines(5000, 300, "changed")));
            }
        }).run(manifest);
        assertOnlyTheUnchangedRows(o.result(), "s3a://landing/planned/changes.ndjson", 300);
    }

    /**
     * A split of the changing file reads the old version to its end, then the object is overwritten, then later splits
     * of the same file meet the change: the file is quarantined and the rows the first split had committed are removed.
     * The test checks each step happened in that order: the split whose task ended before the overwrite read its lines.
     */
    @Test
    void splitsThatReadTheOldVersionBeforeTheOverwriteKeepNoRows() throws IOException {
        S3Client s3 = S3_MOCK.createS3ClientV2();
        String old = lines(1000, 2000, "old");
        // The changing file comes first: its splits have the lowest indices.
        String manifest = s3Manifest(s3, "midway/", List.of("changes.ndjson", "keep.ndjson"),
                List.of(old, lines(0, 300, "keep")));
        int splitBytes = 8_192;
        int splitsOfChanged = (old.getBytes(StandardCharsets.UTF_8).length + splitBytes - 1) / splitBytes;
        AtomicInteger readBeforeOverwrite = new AtomicInteger(-1);
        Set<Object> stages = ConcurrentHashMap.newKeySet();
        SparkListener overwriteAfterASplitOfTheFile = new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart start) {
                stages.addAll(CollectionConverters.asJava(start.stageIds())); // this test's job, not a late event of another
            }

            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                int split = end.taskInfo().index();
                if (stages.contains(end.stageId()) && end.reason() instanceof org.apache.spark.Success$
                        && split < splitsOfChanged && readBeforeOverwrite.compareAndSet(-1, split)) {
                    s3.putObject(b -> b.bucket("landing").key("midway/changes.ndjson"),
                            RequestBody.fromString(lines(5000, 2000, "changed")));
                }
            }
        };
        ManifestConversion.Outcome o;
        RecordLinesRead.clear();
        InjectedFailures.install(SPARK, RecordLinesRead.class);
        SPARK.sparkContext().addSparkListener(overwriteAfterASplitOfTheFile);
        try {
            o = new ManifestConversion(SPARK, SETTINGS.withSplitBytes(splitBytes)).run(manifest);
        } finally {
            SPARK.sparkContext().removeSparkListener(overwriteAfterASplitOfTheFile);
            InjectedFailures.clear(SPARK);
        }
        int first = readBeforeOverwrite.get();
        assertTrue(first >= 0, "a split of the changing file ended before the overwrite");
        assertTrue(RecordLinesRead.bySplit().getOrDefault(first, 0L) > 100,
                "split " + first + " read the old version's lines: " + RecordLinesRead.bySplit());
        assertTrue(splitsOfChanged > 2, "later splits of the file opened after the overwrite");
        assertOnlyTheUnchangedRows(o.result(), "s3a://landing/midway/changes.ndjson", 300);
    }

    @Test
    void aPinnedReadOfAnObjectReplacedAfterItsStatusCheckIsRefused() throws Exception {
        S3Client s3 = S3_MOCK.createS3ClientV2();
        String etag = s3.putObject(b -> b.bucket("landing").key("race/x.ndjson"), RequestBody.fromString(lines(0, 50, "old"))).eTag();
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path("s3a://landing/race/x.ndjson");
        Configuration base = SPARK.sparkContext().hadoopConfiguration();
        org.apache.hadoop.fs.FileStatus st = path.getFileSystem(base).getFileStatus(path);
        Configuration pinned = SourcePin.carry(base, List.of(new SourcePin(path.toString(), st.getLen(),
                st.getModificationTime(), etag.replace("\"", ""), null)));
        try (FSDataInputStream in = PinnedSource.open(path, pinned)) { // the status check passes: same ETag
            s3.putObject(b -> b.bucket("landing").key("race/x.ndjson"), RequestBody.fromString(lines(500, 50, "new")));
            IOException refused = assertThrows(IOException.class, () -> in.readNBytes(100));
            assertTrue(PinnedSource.reasonOrRethrow(refused).contains("a read pinned to the manifest's ETag was refused"),
                    refused.toString());
        }
    }

    @Test
    void aLocalFileRewrittenAfterPlanningIsQuarantined() throws IOException {
        Path keep = dir.resolve("keep.ndjson");
        Path changes = dir.resolve("changes.ndjson");
        Files.writeString(keep, lines(0, 300, "keep"));
        Files.writeString(changes, lines(1000, 300, "old"));
        String manifest = SharedSpark.manifestOf(dir.resolve("out"), keep, changes);
        ManifestConversion.Outcome o = new ManifestConversion(SPARK, SETTINGS).withCheckpoints((point, attempt) -> {
            if (point == Checkpoints.Point.PLANNED) {
                // Same size, new content: only the modification time tells.
                Files.writeString(changes, lines(5000, 300, "changed"));
                Files.setLastModifiedTime(changes, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
            }
        }).run(manifest);
        assertOnlyTheUnchangedRows(o.result(), changes.toUri().toString(), 300);
    }
}
