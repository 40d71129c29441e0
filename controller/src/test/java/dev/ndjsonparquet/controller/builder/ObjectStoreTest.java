package dev.ndjsonparquet.controller.builder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

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
