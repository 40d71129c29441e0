package dev.ndjsonparquet.controller.builder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ndjsonparquet.controller.builder.S3Faults.Call;
import dev.ndjsonparquet.controller.builder.Step.StepHook;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Files quarantined for their size are the large ones, and copying them takes longer than the AWS clients'
 * per-call timeouts. These run the real loop over ElasticMQ and the in-process S3 server with an S3 client whose
 * copy calls are slowed or fail inside the SDK, and end with the quarantine record written once, the copy whole,
 * no multipart upload left pending and the ingest message settled.
 */
class QuarantineCopyTest {

    private static final int MIB = 1024 * 1024;
    /** The clients' timeouts, scaled down as {@code AwsClients} sets them in production (30 s an attempt, 90 s a call). */
    private static final Duration ATTEMPT = Duration.ofSeconds(1);
    private static final Duration CALL = Duration.ofMillis(2500);

    private record Big(Harness h, ObjectEvent file, byte[] content) {
    }

    /** A 12 MiB file over a 10 MiB maximum, announced on the ingest queue: three 5 MiB parts to copy. */
    private static Big tooLarge() {
        Harness h = new Harness();
        h.settings = h.settings(10, 1_000_000_000L, 60, new SizeBand(100, 10L * MIB), BuilderSettings.QuarantineMode.COPY, 30);
        byte[] content = new byte[12 * MIB + 3];
        new Random(12).nextBytes(content);
        String key = "big/x.json";
        String etag = ObjectEvent.normalizeEtag(h.servers.s3.putObject(b -> b.bucket(h.input).key(key),
                RequestBody.fromBytes(content)).eTag());
        h.send(Harness.s3Notification(Harness.record(h.input, key, content.length, etag)));
        return new Big(h, new ObjectEvent(h.input, key, content.length, etag, null, null), content);
    }

    private static void assertQuarantinedOnce(Big big, Harness.Builder b) {
        Harness h = big.h();
        Quarantine q = new Quarantine(h.store, h.settings.quarantineLocation(), h.settings.quarantineMode());
        JsonNode record = json(h.store.get(q.recordUri(big.file())).orElseThrow());
        assertEquals("too-large", record.path("reason").asText());
        StoreUri copy = new StoreUri(h.work, "quarantine/too-large/" + h.input + "/big/x.json");
        assertEquals(h.store.fileUri(copy), record.path("copy").asText());
        assertArrayEquals(big.content(), h.store.get(copy).orElseThrow(), "the copy is the whole object");
        assertEquals(1.0, b.metrics().quarantinedCount(QuarantineReason.TOO_LARGE), "counted once");
        assertEquals(List.of(), ObjectStoreTest.pendingUploads(h.servers.s3, h.work), "no multipart upload left pending");
        assertEquals(0, h.queueDepth(h.ingestQueue), "the ingest message is settled");
        assertEquals(0, b.loop().inFlightCount());
    }

    /**
     * Every copy call takes 1.5 s, longer than the client's 1 s an attempt and, with the SDK's retries, than its
     * 2.5 s a call: a copy made under the clients' timeouts never completes. Copies have their own budget.
     */
    @Test
    void aCopySlowerThanTheClientsTimeoutsLandsAndSettlesItsMessage() {
        Big big = tooLarge();
        Harness h = big.h();
        Duration slow = Duration.ofMillis(1500);
        S3Faults faults = new S3Faults().slow((c, n) -> c == Call.PART_COPY || c == Call.COPY ? slow : Duration.ZERO);
        S3ObjectStore store = new S3ObjectStore(faults.client(ATTEMPT, CALL, true),
                new S3Copier.CopyBudget(5L * MIB, 4, Duration.ofSeconds(30)));
        Harness.Builder b = h.builder(store, h.servers.sqs, StepHook.NONE, Clock.systemUTC());
        Harness.pollUntil(b, Duration.ofSeconds(60), () -> h.drained(b));
        assertEquals(3, faults.calls(Call.PART_COPY), "three parts, each copied once");
        assertTrue(faults.injected().stream().filter(f -> f.call() == Call.PART_COPY).count() == 3,
                "each part was slower than an attempt may take: " + faults.injected());
        assertQuarantinedOnce(big, b);
    }

    /**
     * One call of a copy step is applied and then throws (a part, the creation or completion of the multipart
     * upload, the single copy of a smaller file): the loop tries the record again in place, the quarantine
     * record is written once, the copy is whole, nothing is left pending, and the message, received once,
     * settles.
     */
    @ParameterizedTest
    @EnumSource(value = Call.class, names = {"COPY", "CREATE_UPLOAD", "PART_COPY", "COMPLETE_UPLOAD"})
    void aCopyStepAppliedThenFailedStillQuarantinesOnce(Call step) {
        Big big = tooLarge();
        Harness h = big.h();
        String deadLetters = h.deadLetterQueue(1);
        S3Faults faults = new S3Faults().afterApplying((c, n) -> c == step && n == 1);
        // The single-copy case: parts larger than the file, so one CopyObject copies it.
        long part = step == Call.COPY ? 16L * MIB : 5L * MIB;
        S3ObjectStore store = new S3ObjectStore(faults.client(Duration.ofSeconds(30), Duration.ofSeconds(90), false),
                new S3Copier.CopyBudget(part, 4, Duration.ofSeconds(30)));
        Harness.Builder b = h.builder(store, h.servers.sqs, StepHook.NONE, Clock.systemUTC());
        Harness.pollUntil(b, Duration.ofSeconds(60), () -> h.drained(b));
        assertEquals(List.of(new S3Faults.Injected(step, 1, "applied, then threw")), faults.injected());
        assertQuarantinedOnce(big, b);
        assertEquals(0, h.queueDepth(deadLetters), "received once");
    }

    /**
     * The Lease is lost while a multipart copy runs: the loop stops at its next keep-alive, the copy is cancelled
     * and its upload aborted, and no record is written; the message stays for the next leader.
     */
    @Test
    void aCopyCancelledByLostLeadershipAbortsItsUpload() throws Exception {
        Big big = tooLarge();
        Harness h = big.h();
        java.util.concurrent.CountDownLatch copying = new java.util.concurrent.CountDownLatch(1);
        S3Faults faults = new S3Faults().slow((c, n) -> {
            if (c == Call.PART_COPY) {
                copying.countDown();
                return Duration.ofSeconds(20);
            }
            return Duration.ZERO;
        });
        S3ObjectStore store = new S3ObjectStore(faults.client(ATTEMPT, CALL, true),
                new S3Copier.CopyBudget(5L * MIB, 4, Duration.ofSeconds(90)));
        Harness.Builder b = h.builder(store, h.servers.sqs, StepHook.NONE, Clock.systemUTC());
        java.util.concurrent.atomic.AtomicBoolean leads = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread leader = new Thread(() -> b.loop().run(leads::get), "leader");
        leader.start();
        assertTrue(copying.await(60, java.util.concurrent.TimeUnit.SECONDS), "the copy started");
        leads.set(false);
        leader.join(60_000);
        assertFalse(leader.isAlive(), "the loop stopped at its keep-alive");
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!ObjectStoreTest.pendingUploads(h.servers.s3, h.work).isEmpty() && System.nanoTime() < end) {
            Thread.sleep(50); // the cancelled copy aborts its upload on the copier thread
        }
        assertEquals(List.of(), ObjectStoreTest.pendingUploads(h.servers.s3, h.work), "the upload was aborted");
        assertEquals(1, faults.calls(Call.ABORT_UPLOAD));
        Quarantine q = new Quarantine(h.store, h.settings.quarantineLocation(), h.settings.quarantineMode());
        assertTrue(h.store.head(q.recordUri(big.file())).isEmpty(), "no record from a deposed leader");
        assertEquals(1, h.queueDepth(h.ingestQueue), "the message stays for the next leader");
    }

    private static JsonNode json(byte[] bytes) {
        try {
            return Ledger.JSON.readTree(bytes);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
