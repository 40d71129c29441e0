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
 * A manifest message is untrusted input (issue 11): forged manifests are dead-lettered with the reason
 * before anything is run, read or deleted, while a good one next to them still runs.
 */
class DispatcherTrustTest extends WithHarness {

    private static Manifest manifest(List<ManifestFile> files, String output, String schema) {
        return Manifest.of(Instant.parse("2026-01-01T00:00:00Z"), files, output, schema);
    }

    private static List<ManifestFile> files(String salt) {
        return List.of(new ManifestFile("s3a://landing/in/" + salt + ".ndjson", 100, "e-" + salt));
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
        forged.put(h.write(manifest(List.of(new ManifestFile("s3a://landing/in/../secret/x.ndjson", 1, "e")), "s3a://lake/out/", null)), "'..' segment");
        forged.put(h.write(manifest(List.of(new ManifestFile("s3a://landing/in//x.ndjson", 1, "e")), "s3a://lake/out/", null)), "empty segment");
        forged.put(h.write(manifest(List.of(new ManifestFile("s3a://landing/in/%2e%2e/secret/x.ndjson", 1, "e")), "s3a://lake/out/", null)), "'..' segment");
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
