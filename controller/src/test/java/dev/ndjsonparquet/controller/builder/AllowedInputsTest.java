package dev.ndjsonparquet.controller.builder;

import static dev.ndjsonparquet.controller.builder.Harness.assertExactlyOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ndjsonparquet.controller.builder.Step.StepHook;
import dev.ndjsonparquet.testsupport.MutableClock;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * The builder admits only what the dispatcher and the driver admit (issue 19, item 2): an event for an object outside
 * {@code allowed-inputs} (another bucket, another prefix of the input bucket) or with a key the shared rule refuses (a
 * backslash) is quarantined with its reason, never copied, never claimed, counted, and its message settled, while the
 * good file beside it ships. Before, such a file reached a manifest, which the dispatcher then dead-lettered whole.
 */
class AllowedInputsTest {

    private static final String ETAG = "0123456789abcdef0123456789abcdef";

    @Test
    void eventsOutsideTheAllowedInputsAreQuarantinedWithTheReasonAndTheGoodFileShips() throws IOException {
        Harness h = new Harness();
        h.inputs = dev.ndjsonparquet.location.AllowedInputs.parse("s3://" + h.input + "/in/");
        h.settings = h.settings(10, 1_000_000, 60, new SizeBand(100, 10_000), BuilderSettings.QuarantineMode.COPY, 30);
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        Harness.Builder b = h.builder(StepHook.NONE, clock);
        // A readable object of the work bucket (which a forged event names), one of the input bucket outside in/.
        String foreignKey = "secret/x.json";
        h.servers.s3.putObject(r -> r.bucket(h.work).key(foreignKey), software.amazon.awssdk.core.sync.RequestBody.fromString("{}\n".repeat(60)));
        ObjectEvent foreign = new ObjectEvent(h.work, foreignKey, 180, ETAG, null, null);
        ObjectEvent otherPrefix = new ObjectEvent(h.input, "elsewhere/y.json", 200, h.putObject("elsewhere/y.json", 200), null, null);
        // (S3Mock refuses to store a key with a backslash; the event alone is what the builder decides on.)
        ObjectEvent backslash = new ObjectEvent(h.input, "in/a\\b.json", 200, ETAG, null, null);
        h.send(Harness.s3Notification(Harness.record(foreign.bucket(), foreign.key(), foreign.size(), foreign.etag()),
                Harness.record(otherPrefix.bucket(), otherPrefix.key(), otherPrefix.size(), otherPrefix.etag())));
        h.send(Harness.eventBridge(backslash.bucket(), backslash.key(), backslash.size(), backslash.etag()));
        String good = h.upload("in/x.json", 200);

        Harness.pollUntil(b, Duration.ofSeconds(60), () -> b.metrics().quarantinedCount(QuarantineReason.OUTSIDE_ALLOWED_INPUTS) == 2
                && b.metrics().quarantinedCount(QuarantineReason.UNSAFE_KEY) == 1 && b.metrics().acceptedCount() == 1);
        clock.advance(Duration.ofSeconds(61));
        b.loop().pollOnce();

        assertExactlyOnce(List.of(good), h.sentManifests().values());
        Quarantine q = new Quarantine(h.store, h.settings.quarantineLocation(), h.settings.quarantineMode());
        for (ObjectEvent e : List.of(foreign, otherPrefix)) {
            JsonNode record = Ledger.JSON.readTree(h.store.get(q.recordUri(e)).orElseThrow());
            assertEquals("outside-allowed-inputs", record.path("reason").asText(), e.key());
            assertTrue(record.path("detail").asText().contains("outside the allowed inputs [s3://" + h.input + "/in/]"),
                    record.path("detail").asText());
            assertEquals("reference", record.path("mode").asText(), "a file outside the allowed inputs is never copied");
            assertEquals(e.bucket(), record.path("bucket").asText());
        }
        JsonNode unsafe = Ledger.JSON.readTree(h.store.get(q.recordUri(backslash)).orElseThrow());
        assertEquals("unsafe-key", unsafe.path("reason").asText());
        assertTrue(unsafe.path("detail").asText().contains("backslash"), unsafe.path("detail").asText());
        assertEquals(0, StreamSupport.stream(h.store.list(new StoreUri(h.work, "quarantine/outside-allowed-inputs/")).spliterator(), false)
                .count(), "no copies");
        assertEquals(0, StreamSupport.stream(h.store.list(new StoreUri(h.work, "ledger/files/")).spliterator(), false).count()
                - 1, "only the good file is claimed");
        assertEquals(0, h.queueDepth(h.ingestQueue), "every message settled");
    }
}
