package dev.ndjsonparquet.controller.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ndjsonparquet.controller.builder.TestServers;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/**
 * The attempt markers a manifest's drivers leave, read as the dispatcher reads them, from files named here by hand
 * as the driver names them ({@code attempt-<six digits>-<run id>}): through S3 (S3Mock) and from disk.
 */
class AttemptMarkerReaderTest {

    @TempDir
    Path tmp;

    @Test
    void theHighestAttemptAmongTheMarkersInS3OtherFilesAndManifestsIgnored() {
        S3Client s3 = TestServers.get().s3;
        try {
            s3.createBucket(r -> r.bucket("markers-test"));
        } catch (BucketAlreadyOwnedByYouException e) {
            // a previous run made it
        }
        put(s3, "tables/my events/_attempts/m-1/attempt-000002-0f3c2b1a-9d8e-4c7b-a6f5-e4d3c2b1a098");
        put(s3, "tables/my events/_attempts/m-1/attempt-000011-aaaa");
        put(s3, "tables/my events/_attempts/m-1/.attempt-000099-aaaa.crc");
        put(s3, "tables/my events/_attempts/m-10/attempt-000050-bbbb");
        put(s3, "tables/my events/_results/m-1.json");
        AttemptMarkerReader reader = new AttemptMarkerReader(s3);
        assertEquals(11, reader.highestAttempt("s3a://markers-test/tables/my%20events/", "m-1"), "the percent-decoded output");
        assertEquals(11, reader.highestAttempt("s3://markers-test/tables/my%20events", "m-1"), "s3://, no trailing slash");
        assertEquals(50, reader.highestAttempt("s3a://markers-test/tables/my%20events/", "m-10"), "m-10 is not m-1's");
        assertEquals(0, reader.highestAttempt("s3a://markers-test/tables/other/", "m-1"), "no marker");
        assertEquals(0, reader.highestAttempt("s3a://no-such-bucket-here/out/", "m-1"), "no bucket, no marker");
    }

    @Test
    void theHighestAttemptAmongLocalMarkers() throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("out/_attempts/m-2"));
        Files.writeString(folder.resolve("attempt-000003-cccc"), "x");
        Files.writeString(folder.resolve("attempt-000007-dddd"), "x");
        Files.writeString(folder.resolve(".attempt-000007-dddd.crc"), "x");
        AttemptMarkerReader reader = new AttemptMarkerReader(null);
        assertEquals(7, reader.highestAttempt(tmp.resolve("out").toUri().toString(), "m-2"));
        assertEquals(0, reader.highestAttempt(tmp.resolve("out").toUri().toString(), "m-3"));
    }

    private static void put(S3Client s3, String key) {
        s3.putObject(r -> r.bucket("markers-test").key(key), RequestBody.fromString("marker"));
    }
}
