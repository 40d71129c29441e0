package dev.ndjsonparquet.spark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.conversion.ConversionSettings;
import dev.ndjsonparquet.location.AllowedInputs;
import dev.ndjsonparquet.location.LocationPrefixes;
import dev.ndjsonparquet.location.TrustedLocations;
import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestBytes;
import dev.ndjsonparquet.manifest.ManifestCodec;
import dev.ndjsonparquet.manifest.ManifestFile;
import dev.ndjsonparquet.spark.commit.ManifestGate;
import dev.ndjsonparquet.spark.commit.ManifestRefusedException;
import dev.ndjsonparquet.spark.output.ConversionResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver checks the manifest it actually read (issue 19, item 4) before it deletes or writes anything: pinned to
 * the bytes the dispatcher checked, and against the allow-lists the dispatcher passed. A file the lists refuse
 * refuses only itself (item 2): it is quarantined with the reason, unread, and the other files convert.
 */
class ManifestGateTest {

    private static final ConversionSettings.Values SETTINGS = ConversionSettings.Values.defaults().withSchema("id BIGINT, v STRING");

    @TempDir
    Path dir;
    private Path a;
    private Path b;
    private Path out;
    private final SparkSession spark = SharedSpark.get();

    @BeforeEach
    void files() throws IOException {
        Path in = Files.createDirectories(dir.resolve("in"));
        a = Files.writeString(in.resolve("a.ndjson"), lines(0, 50));
        b = Files.writeString(in.resolve("b.ndjson"), lines(100, 50));
        out = dir.resolve("out");
    }

    private static String lines(int first, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = first; i < first + n; i++) {
            s.append("{\"id\":").append(i).append(",\"v\":\"x").append(i).append("\"}\n");
        }
        return s.toString();
    }

    /** Every row of a and b once, nothing else. */
    private void assertRowsOfAAndB(ConversionResult r) {
        List<Long> ids = spark.read().parquet(r.dataLocation()).select("id").collectAsList().stream()
                .map(row -> row.getLong(0)).sorted().toList();
        List<Long> expected = java.util.stream.LongStream.concat(java.util.stream.LongStream.range(0, 50),
                java.util.stream.LongStream.range(100, 150)).boxed().toList();
        assertEquals(expected, ids);
        assertEquals(100, r.rowsWritten());
    }

    /** The lists a dispatcher of this test would pass: inputs under {@code in/}, outputs and schemas under {@code out/}. */
    private TrustedLocations lists() {
        return new TrustedLocations(null, AllowedInputs.parse(dir.resolve("in").toUri().toString()),
                new LocationPrefixes("outputs", List.of(out.toUri().toString())),
                new LocationPrefixes("schema locations", List.of(dir.resolve("schemas").toUri().toString())));
    }

    private Manifest manifest(String output, String schema, Path... files) throws IOException {
        List<ManifestFile> entries = new java.util.ArrayList<>();
        for (Path f : files) {
            entries.add(new ManifestFile(f.toUri().toString(), Files.size(f), null));
        }
        return Manifest.of(Instant.parse("2026-11-26T00:00:00Z"), entries, output, schema);
    }

    private Path write(Manifest m, String name) throws IOException {
        Path p = Files.createDirectories(dir.resolve("manifests")).resolve(name);
        Files.write(p, ManifestCodec.encode(m));
        return p;
    }

    /** An earlier run's output of this manifest: a refusing driver must leave it as it is. */
    private Path earlierOutput(Path root, Manifest m) throws IOException {
        Path earlier = root.resolve("ingest_date=2026-11-26").resolve("manifest_id=" + m.manifestId()).resolve("part-00000.parquet");
        Files.createDirectories(earlier.getParent());
        Files.writeString(earlier, "an earlier run's rows");
        return earlier;
    }

    @Test
    void aManifestOverwrittenBetweenDispatchAndDriverStartIsRefusedBeforeAnythingIsDeleted() throws Exception {
        Manifest checked = manifest(out.toUri().toString(), null, a, b);
        Path p = write(checked, "m.json");
        String pin = ManifestBytes.sha256(Files.readAllBytes(p));
        Path earlier = earlierOutput(out, checked);
        // Rewritten after the dispatcher checked it: same id and files, the same (allowed) output, one more byte.
        Files.write(p, (new String(ManifestCodec.encode(checked), java.nio.charset.StandardCharsets.UTF_8) + "\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));

        ManifestRefusedException e = assertThrows(ManifestRefusedException.class, () -> new ManifestConversion(spark, SETTINGS)
                .checkedBy(new ManifestGate(pin, lists())).run(p.toUri().toString(), 1));
        assertTrue(e.getMessage().contains("changed after the dispatcher checked it") && e.getMessage().contains(pin), e.getMessage());
        assertTrue(Files.exists(earlier), "nothing was deleted");
        assertFalse(Files.exists(out.resolve("_attempts")), "no attempt marker was written");
        assertFalse(Files.exists(out.resolve("_results")), "no result record");

        // The bytes it was pinned to convert.
        Files.write(p, ManifestCodec.encode(checked));
        ConversionResult r = new ManifestConversion(spark, SETTINGS).checkedBy(new ManifestGate(pin, lists()))
                .run(p.toUri().toString(), 1).result();
        assertRowsOfAAndB(r);
    }

    @Test
    void anOutputOrSchemaOutsideTheDriversListsIsRefusedBeforeAnythingIsDeleted() throws Exception {
        Path foreign = dir.resolve("other-team");
        Manifest elsewhere = manifest(foreign.toUri().toString(), null, a);
        Path earlier = earlierOutput(foreign, elsewhere);
        Path p = write(elsewhere, "output.json");
        ManifestRefusedException e = assertThrows(ManifestRefusedException.class, () -> new ManifestConversion(spark, SETTINGS)
                .checkedBy(new ManifestGate(ManifestBytes.sha256(Files.readAllBytes(p)), lists())).run(p.toUri().toString(), 1));
        assertTrue(e.getMessage().contains("outside the allowed outputs"), e.getMessage());
        assertTrue(Files.exists(earlier), "the other team's output is untouched");
        assertFalse(Files.exists(foreign.resolve("_attempts")), "nothing was written there");

        Manifest schema = manifest(out.toUri().toString(), "file:/etc/passwd", a);
        Path s = write(schema, "schema.json");
        e = assertThrows(ManifestRefusedException.class, () -> new ManifestConversion(spark, SETTINGS)
                .checkedBy(new ManifestGate(ManifestBytes.sha256(Files.readAllBytes(s)), lists())).run(s.toUri().toString(), 1));
        assertTrue(e.getMessage().contains("schema file:/etc/passwd is outside the allowed schema locations"), e.getMessage());
        assertFalse(Files.exists(out.resolve("_attempts")), "nothing was written");
    }

    @Test
    void aRefusedFileIsQuarantinedUnreadAndTheOthersConvert() throws Exception {
        // Readable files the lists refuse: one outside the inputs, one whose URI has a backslash.
        Path secret = Files.createDirectories(dir.resolve("secret")).resolve("x.ndjson");
        Files.writeString(secret, "{\"id\":-1,\"v\":\"secret\"}\n");
        Path slash = Files.writeString(dir.resolve("in").resolve("a\\b.ndjson"), "{\"id\":-2,\"v\":\"backslash\"}\n");
        Manifest m = manifest(out.toUri().toString(), null, a, secret, b, slash);
        Path p = write(m, "refused.json");
        ConversionResult r = new ManifestConversion(spark, SETTINGS)
                .checkedBy(new ManifestGate(ManifestBytes.sha256(Files.readAllBytes(p)), lists())).run(p.toUri().toString(), 1).result();

        assertRowsOfAAndB(r);
        Map<String, String> quarantined = r.quarantinedFiles().stream()
                .collect(Collectors.toMap(ConversionResult.QuarantinedFile::path, ConversionResult.QuarantinedFile::reason));
        assertEquals(java.util.Set.of(secret.toUri().toString(), slash.toUri().toString()), quarantined.keySet(), quarantined.toString());
        assertTrue(quarantined.get(secret.toUri().toString()).contains("outside the allowed inputs"), quarantined.toString());
        assertTrue(quarantined.get(slash.toUri().toString()).contains("backslash"), quarantined.toString());
        assertEquals(4, r.files());
        assertEquals(2, r.filesConverted());
    }
}
