package dev.ndjsonparquet.controller.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.controller.k8s.Await;
import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestCodec;
import dev.ndjsonparquet.manifest.ManifestFile;
import dev.ndjsonparquet.manifest.ManifestMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * A manifest message is untrusted input (issue 11): forged manifests (output, schema, id, their own location) are
 * dead-lettered with the reason before anything is run, read or deleted, while a good one next to them still runs.
 * A refused file refuses only itself (issue 19, item 2): its manifest runs, and the driver is told what to check.
 */
class DispatcherTrustTest extends WithHarness {

    private static Manifest manifest(List<ManifestFile> files, String output, String schema) {
        return Manifest.of(Instant.parse("2026-01-01T00:00:00Z"), files, output, schema);
    }

    private static List<ManifestFile> files(String salt) {
        return List.of(new ManifestFile("s3a://landing/in/" + salt + ".ndjson", 100, "e-" + salt));
    }

    @Test
    void aManifestWithRefusedFilesRunsAndItsDriverGetsThePinAndTheLists() throws Exception {
        List<ManifestFile> files = List.of(
                new ManifestFile("s3a://landing/in/good-1.ndjson", 100, "e1"),
                new ManifestFile("s3a://landing/in/../secret/x.ndjson", 1, "e2"),
                new ManifestFile("s3a://landing/in//x.ndjson", 1, "e3"),
                new ManifestFile("s3a://landing/in/%2e%2e/secret/x.ndjson", 1, "e4"),
                new ManifestFile("s3a://landing/in/a%5Cb.ndjson", 1, "e5"),
                new ManifestFile("s3a://other-bucket/in/x.ndjson", 1, "e6"),
                new ManifestFile("s3a://landing/in/good-2.ndjson", 100, "e7"));
        Manifest m = manifest(files, "s3a://lake/out/", null);
        String body = h.write(m);
        h.send(body);
        String name = Labels.applicationName(m.manifestId());
        try (Harness.Controller c = h.controller(Harness.Limits.defaults(), () -> true)) {
            Await.until(Duration.ofSeconds(30), () -> h.application(name) != null, "the application of the manifest with refused files");
            c.awaitLoops(2);
            assertEquals(0, h.drainDeadLettersNow().size(), "refused files do not make their manifest poison");
            assertEquals(5, c.count("files_refused"));
            List<String> args = h.application(name).getSpec().getArguments();
            byte[] bytes = Files.readAllBytes(Path.of(java.net.URI.create(ManifestCodec.decodeMessage(body).manifestUri())));
            assertEquals(List.of("--manifest", ManifestCodec.decodeMessage(body).manifestUri(), "--attempt", "1",
                    "--manifest-sha256", dev.ndjsonparquet.manifest.ManifestBytes.sha256(bytes),
                    "--allowed-inputs", "s3://landing/in/", "--allowed-outputs", "s3a://lake/out/",
                    "--allowed-schemas", "s3a://lake/schemas/"), args);
        }
    }

    @Test
    void aManifestChangedAfterItWasCheckedIsDeadLetteredAtItsFirstFailureNotRetried() throws Exception {
        Manifest m = manifest(files("changed"), "s3a://lake/out/", null);
        String body = h.write(m);
        Path stored = Path.of(java.net.URI.create(ManifestCodec.decodeMessage(body).manifestUri()));
        h.send(body);
        String name = Labels.applicationName(m.manifestId());
        try (Harness.Controller c = h.controller(Harness.Limits.defaults().maxAttempts(3), () -> true)) {
            Await.until(Duration.ofSeconds(30), () -> h.application(name) != null, "the application");
            // Replaced after the dispatcher checked it: same id and files, another output. The driver refuses it (exit 4).
            Files.write(stored, ManifestCodec.encode(new Manifest(1, m.manifestId(), m.createdAt(), m.files(),
                    m.totalBytes(), "s3a://lake/out/elsewhere/", null)));
            h.drive(name, "SUBMITTED", "RUNNING", "FAILING", "FAILED");
            Message dead = h.drainDeadLetters(1).get(0);
            String reason = dead.messageAttributes().get("reason").stringValue();
            assertTrue(reason.contains("changed after the dispatcher checked it") && reason.contains("not retried"), reason);
            assertEquals("1", dead.messageAttributes().get("attempts").stringValue());
            c.awaitLoops(3);
            assertEquals(0, c.count("applications_retried"), "no attempt is spent on a manifest every driver refuses");
            assertEquals(List.of(name), h.applications().stream().map(a -> a.getMetadata().getName()).toList());
        }
    }

    @Test
    void aFailureOfAnUnchangedManifestIsRetriedAsBefore() throws Exception {
        Manifest m = manifest(files("unchanged"), "s3a://lake/out/", null);
        String body = h.write(m);
        h.send(body);
        String name = Labels.applicationName(m.manifestId());
        try (Harness.Controller c = h.controller(Harness.Limits.defaults().maxAttempts(3), () -> true)) {
            Await.until(Duration.ofSeconds(30), () -> h.application(name) != null, "the application");
            h.drive(name, "SUBMITTED", "RUNNING", "FAILING", "FAILED");
            Await.until(Duration.ofSeconds(30), () -> h.application(name + "-2") != null, "the second attempt");
            assertTrue(h.application(name + "-2").getSpec().getArguments().contains("--manifest-sha256"));
            assertEquals(0, h.drainDeadLettersNow().size());
        }
    }

    @Test
    void forgedManifestsAreDeadLetteredWithTheReasonAndNothingRuns() throws Exception {
        Map<String, String> forged = new LinkedHashMap<>();
        forged.put(h.write(manifest(files("out"), "s3a://other-team/tables/", null)), "output s3a://other-team/tables/ is outside the allowed outputs");
        forged.put(h.write(manifest(files("out2"), "s3a://lake/out/../../etc/", null)), "'..' segment");
        forged.put(h.write(manifest(files("schema"), "s3a://lake/out/", "file:/etc/passwd")), "schema file:/etc/passwd is outside the allowed schema locations");
        Manifest good = manifest(files("id"), "s3a://lake/out/", null);
        Manifest wrongId = new Manifest(1, "m-000000000000000000000000", good.createdAt(), good.files(), good.totalBytes(), good.output(), null);
        forged.put(h.write(wrongId), "does not match its files");
        // A manifest outside the allowed manifest prefix: a directory, which the loader could not read as a
        // manifest (it would be released, not dead-lettered), so the reason proves nothing was read.
        Path elsewhere = Files.createDirectories(tmp.getParent().resolve(tmp.getFileName() + "-elsewhere").resolve("m.json"));
        Manifest outside = manifest(files("outside"), "s3a://lake/out/", null);
        forged.put(ManifestCodec.encodeMessage(ManifestMessage.of(elsewhere.toUri().toString(), outside)), "is outside the allowed manifest locations");
        String traversal = tmp.toUri() + "%2e%2e/" + tmp.getFileName() + "-elsewhere/m.json";
        forged.put(ManifestCodec.encodeMessage(ManifestMessage.of(traversal, outside)), "'..' segment");

        Manifest withSchema = manifest(files("good"), "s3a://lake/out/day=1", "s3a://lake/schemas/events.ddl");
        String goodBody = h.write(withSchema);
        forged.keySet().forEach(h::send);
        h.send(goodBody);
        try (Harness.Controller c = h.controller(Harness.Limits.defaults(), () -> true)) {
            List<Message> dead = h.drainDeadLetters(forged.size());
            Map<String, String> reasons = dead.stream().collect(Collectors.toMap(Message::body,
                    m -> m.messageAttributes().get("reason").stringValue(), (a, b) -> a + " | " + b));
            forged.forEach((body, expected) -> assertTrue(reasons.getOrDefault(body, "").contains(expected),
                    () -> "reason for " + body + ": " + reasons.get(body)));
            dead.forEach(m -> assertEquals("poison", m.messageAttributes().get("cause").stringValue()));
            String goodName = Labels.applicationName(withSchema.manifestId());
            Await.until(Duration.ofSeconds(30), () -> h.application(goodName) != null, "the good manifest's application");
            c.awaitLoops(3);
            assertEquals(List.of(goodName), h.applications().stream().map(a -> a.getMetadata().getName()).toList(),
                    "no application for any forged manifest");
            assertEquals(forged.size(), c.metrics.deadLetteredCount("poison"));
            assertEquals(1, h.depth(h.queue), "only the good manifest's message is left (hidden while it runs)");
            assertEquals(0, h.drainDeadLetters(0).size(), "no further dead letters");
        }
    }
}
