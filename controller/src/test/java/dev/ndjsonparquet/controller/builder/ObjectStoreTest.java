package dev.ndjsonparquet.controller.builder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.controller.builder.S3Faults.Call;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The same contract for the S3 store (against S3Mock) and the local-directory store. */
class ObjectStoreTest {

    @TempDir
    Path temp;

    @Test
    void s3StoreKeepsTheContract() throws Exception {
        Harness h = new Harness();
        contract(h.store, h.work);
    }

    /**
     * Real S3 decides conditional writes atomically; S3Mock checks and then writes, so racing creators can
     * both win there. The builder is a single writer (one leader, one loop), so only the local store,
     * which the local runner uses, is raced here.
     */
    @Test
    void localPutIfAbsentHasOneWinnerUnderRace() throws Exception {
        ObjectStore store = new LocalDirectoryStore(temp);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 20; round++) {
                StoreUri race = new StoreUri("bucket", "race/x" + round + ".json");
                List<Future<Boolean>> results = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    int n = i;
                    results.add(pool.submit(() -> store.putIfAbsent(race, bytes("writer " + n))));
                }
                int winners = 0;
                for (Future<Boolean> f : results) {
                    winners += f.get() ? 1 : 0;
                }
                assertEquals(1, winners, "exactly one conditional create wins");
                assertTrue(text(store.get(race).orElseThrow()).startsWith("writer "));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void localStoreKeepsTheContract() throws Exception {
        contract(new LocalDirectoryStore(temp), "bucket");
    }

    @Test
    void s3MultipartCopyAboveTheSingleCopyLimit() {
        Harness h = new Harness();
        byte[] big = new byte[11 * 1024 * 1024 + 17];
        new Random(7).nextBytes(big);
        h.servers.s3.putObject(b -> b.bucket(h.input).key("big.json"), RequestBody.fromBytes(big));
        h.store.copy(new StoreUri(h.input, "big.json"), new StoreUri(h.work, "copy/big.json"));
        assertArrayEquals(big, h.store.get(new StoreUri(h.work, "copy/big.json")).orElseThrow());
        assertTrue(h.store.head(new StoreUri(h.input, "big.json")).isPresent(), "the source stays");
    }

    /**
     * S3 answers 409 to a conditional write while another conditional write to the key is in flight, without
     * applying it: the store tries again (five times, backing off), and the retry's answer decides.
     */
    @Test
    void conditionalWritesAnswered409AreTriedAgain() {
        Harness h = new Harness();
        S3Faults faults = new S3Faults();
        S3ObjectStore store = new S3ObjectStore(faults.client(Duration.ofSeconds(30), Duration.ofSeconds(90), false),
                Harness.SMALL_PARTS);

        StoreUri a = new StoreUri(h.work, "conflict/a.json");
        faults.before((c, n) -> c == Call.CONDITIONAL_PUT && n <= 2 ? conflict() : null);
        assertTrue(store.putIfAbsent(a, bytes("mine")), "created by the third attempt");
        assertEquals(3, faults.calls(Call.CONDITIONAL_PUT));
        assertEquals("mine", text(h.store.get(a).orElseThrow()));

        String etag = h.store.head(a).orElseThrow().etag();
        faults.before((c, n) -> c == Call.CONDITIONAL_PUT && n <= 4 ? conflict() : null);
        String replaced = store.replaceIfMatch(a, bytes("mine, replaced"), etag).orElseThrow();
        assertEquals(5, faults.calls(Call.CONDITIONAL_PUT));
        assertEquals(replaced, h.store.head(a).orElseThrow().etag());

        // The write in flight that caused the conflict wins: the retry is refused (412) and says so.
        StoreUri b = new StoreUri(h.work, "conflict/b.json");
        faults.before((c, n) -> {
            if (c == Call.CONDITIONAL_PUT && n == 6) {
                h.store.put(b, bytes("theirs"));
                return conflict();
            }
            return null;
        });
        assertFalse(store.putIfAbsent(b, bytes("mine")));
        assertEquals("theirs", text(h.store.get(b).orElseThrow()));

        // A conflict that does not end is reported after the retries, and nothing was written.
        StoreUri c = new StoreUri(h.work, "conflict/c.json");
        faults.before((call, n) -> call == Call.CONDITIONAL_PUT ? conflict() : null);
        int before = faults.calls(Call.CONDITIONAL_PUT);
        S3Exception e = assertThrows(S3Exception.class, () -> store.putIfAbsent(c, bytes("mine")));
        assertEquals(409, e.statusCode());
        assertEquals(6, faults.calls(Call.CONDITIONAL_PUT) - before, "one write and five retries");
        assertTrue(h.store.head(c).isEmpty());
    }

    /** A multipart copy whose parts keep failing aborts its upload: no part is left stored, no object made. */
    @Test
    void aMultipartCopyThatFailsAbortsItsUpload() {
        Harness h = new Harness();
        byte[] big = randomBytes(11 * 1024 * 1024 + 17);
        h.servers.s3.putObject(b -> b.bucket(h.input).key("big.json"), RequestBody.fromBytes(big));
        S3Faults faults = new S3Faults().afterApplying((c, n) -> c == Call.PART_COPY);
        S3ObjectStore store = new S3ObjectStore(faults.client(Duration.ofSeconds(30), Duration.ofSeconds(90), false),
                Harness.SMALL_PARTS);
        StoreUri target = new StoreUri(h.work, "copy/big.json");
        assertThrows(RuntimeException.class, () -> store.copy(new StoreUri(h.input, "big.json"), target));
        int parts = faults.calls(Call.PART_COPY);
        assertTrue(parts >= 3 && parts <= 9, "the first part to fail was tried three times, then the copy stopped: " + parts);
        assertEquals(1, faults.calls(Call.ABORT_UPLOAD));
        assertEquals(List.of(), pendingUploads(h.servers.s3, h.work));
        assertTrue(h.store.head(target).isEmpty());
    }

    /**
     * Each step of a copy applied and then failing: the copy either completes (a part is tried again) or fails
     * leaving no upload pending, and the next copy (the quarantine tries again) gives the exact object.
     */
    @ParameterizedTest
    @EnumSource(value = Call.class, names = {"COPY", "CREATE_UPLOAD", "PART_COPY", "COMPLETE_UPLOAD", "ABORT_UPLOAD"})
    void eachCopyStepAppliedThenFailedLeavesNoUploadPendingAndTheNextCopyWhole(Call step) {
        Harness h = new Harness();
        byte[] content = randomBytes(step == Call.COPY ? 4096 : 11 * 1024 * 1024 + 17);
        h.servers.s3.putObject(b -> b.bucket(h.input).key("src.json"), RequestBody.fromBytes(content));
        // An abort happens only when a copy fails: for that step, every part of the first copy fails too.
        java.util.concurrent.atomic.AtomicBoolean firstCopy = new java.util.concurrent.atomic.AtomicBoolean(true);
        S3Faults faults = new S3Faults().afterApplying((c, n) -> c == step && n == 1
                || step == Call.ABORT_UPLOAD && c == Call.PART_COPY && firstCopy.get());
        S3ObjectStore store = new S3ObjectStore(faults.client(Duration.ofSeconds(30), Duration.ofSeconds(90), false),
                Harness.SMALL_PARTS);
        StoreUri from = new StoreUri(h.input, "src.json");
        StoreUri target = new StoreUri(h.work, "copy/src.json");
        int tries = 0;
        while (true) {
            tries++;
            try {
                store.copy(from, target);
                break;
            } catch (RuntimeException e) {
                assertTrue(tries < 3, "copies keep failing: " + e);
                firstCopy.set(false);
            }
        }
        assertTrue(faults.injected().stream().anyMatch(f -> f.call() == step), step + " was made to fail: " + faults.injected());
        assertEquals(step == Call.PART_COPY ? 1 : 2, tries, "a failed part is tried again within the copy");
        assertArrayEquals(content, h.store.get(target).orElseThrow());
        assertEquals(List.of(), pendingUploads(h.servers.s3, h.work));
    }

    static List<String> pendingUploads(S3Client s3, String bucket) {
        return s3.listMultipartUploads(b -> b.bucket(bucket)).uploads().stream().map(u -> u.key() + " " + u.uploadId()).toList();
    }

    private static S3Exception conflict() {
        return (S3Exception) S3Exception.builder().statusCode(409).message("ConditionalRequestConflict")
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ConditionalRequestConflict").serviceName("S3").build())
                .build();
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private static void contract(ObjectStore store, String bucket) throws Exception {
        StoreUri a = new StoreUri(bucket, "p/a.json");
        assertTrue(store.putIfAbsent(a, bytes("first")));
        assertFalse(store.putIfAbsent(a, bytes("second")), "second create of the same key");
        assertEquals("first", text(store.get(a).orElseThrow()));
        store.put(a, bytes("replaced"));
        assertEquals("replaced", text(store.get(a).orElseThrow()));
        assertTrue(store.get(new StoreUri(bucket, "p/missing")).isEmpty());
        assertTrue(store.head(new StoreUri(bucket, "p/missing")).isEmpty());

        ObjectStore.ObjectInfo info = store.head(a).orElseThrow();
        assertEquals(8, info.size());
        assertTrue(info.etag() != null && !info.etag().startsWith("\""));

        store.put(new StoreUri(bucket, "p/b c é.json"), bytes("b"));
        store.put(new StoreUri(bucket, "q/other.json"), bytes("q"));
        List<String> keys = StreamSupport.stream(store.list(new StoreUri(bucket, "p/")).spliterator(), false)
                .map(o -> o.location().key()).toList();
        assertEquals(List.of("p/a.json", "p/b c é.json"), keys);

        store.copy(a, new StoreUri(bucket, "copies/a.json"));
        assertEquals("replaced", text(store.get(new StoreUri(bucket, "copies/a.json")).orElseThrow()));
        assertTrue(store.head(a).isPresent(), "copy keeps the source");

        store.delete(new StoreUri(bucket, "copies/a.json"));
        store.delete(new StoreUri(bucket, "copies/a.json"));
        assertTrue(store.head(new StoreUri(bucket, "copies/a.json")).isEmpty());

        // Replace-if-match: the fence of batch records and claims.
        StoreUri r = new StoreUri(bucket, "fence/record.json");
        assertTrue(store.putIfAbsent(r, bytes("term 1")));
        ObjectStore.Versioned v1 = store.read(r).orElseThrow();
        assertEquals("term 1", text(v1.content()));
        assertEquals(store.head(r).orElseThrow().etag(), v1.etag(), "read returns the content's ETag");
        String e2 = store.replaceIfMatch(r, bytes("term 2, closed"), v1.etag()).orElseThrow();
        assertEquals(e2, store.head(r).orElseThrow().etag(), "the new ETag is returned");
        assertTrue(store.replaceIfMatch(r, bytes("a deposed writer"), v1.etag()).isEmpty(), "a stale ETag is refused");
        assertEquals("term 2, closed", text(store.get(r).orElseThrow()));
        assertTrue(store.replaceIfMatch(new StoreUri(bucket, "fence/missing.json"), bytes("x"), e2).isEmpty(),
                "nothing to replace");
        assertTrue(store.head(new StoreUri(bucket, "fence/missing.json")).isEmpty());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
