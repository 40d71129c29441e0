package dev.ndjsonparquet.controller.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adobe.testing.s3mock.testsupport.common.S3MockStarter;
import dev.ndjsonparquet.manifest.InvalidManifestException;
import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestBytes;
import dev.ndjsonparquet.manifest.ManifestCodec;
import dev.ndjsonparquet.manifest.ManifestFile;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** Manifests read through the S3 client from an S3-compatible server in this JVM, and from disk. */
class ManifestLoaderTest {

    static S3Server s3;
    static AwsClients aws;
    static ManifestLoader loader;

    @TempDir
    Path tmp;

    private static final Manifest MANIFEST = Manifest.of(Instant.parse("2026-01-01T00:00:00Z"),
            List.of(new ManifestFile("s3a://landing/in/a.ndjson", 5, "e")), "s3a://lake/out/", null);

    @BeforeAll
    static void start() {
        s3 = new S3Server();
        s3.begin();
        aws = AwsClients.create("us-east-1", URI.create("http://127.0.0.1:" + s3.getHttpPort()),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")),
                new AwsClients.Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(30)));
        aws.s3().createBucket(b -> b.bucket("manifests"));
        aws.s3().putObject(p -> p.bucket("manifests").key("2026/m.json"), RequestBody.fromBytes(ManifestCodec.encode(MANIFEST)));
        aws.s3().putObject(p -> p.bucket("manifests").key("2026/broken.json"), RequestBody.fromString("{\"version\": 1}"));
    }

    @AfterAll
    static void stop() {
        aws.close();
        s3.end();
    }

    @Test
    void readsS3AndS3aUris() {
        assertEquals(MANIFEST, loader().load("s3://manifests/2026/m.json"));
        assertEquals(MANIFEST, loader().load("s3a://manifests/2026/m.json"));
    }

    @Test
    void aMissingObjectOrBucketOrAnInvalidManifestIsPoison() {
        assertTrue(assertThrows(InvalidManifestException.class, () -> loader().load("s3://manifests/2026/none.json"))
                .getMessage().contains("does not exist"));
        assertTrue(assertThrows(InvalidManifestException.class, () -> loader().load("s3://no-such-bucket/m.json"))
                .getMessage().contains("does not exist"));
        assertThrows(InvalidManifestException.class, () -> loader().load("s3://manifests/2026/broken.json"));
        assertThrows(InvalidManifestException.class, () -> loader().load("s3://manifests"));
        assertThrows(InvalidManifestException.class, () -> loader().load("https://example.com/m.json"));
        assertThrows(InvalidManifestException.class, () -> loader().load("not a uri"));
    }

    /**
     * Issue 19, item 6: a manifest object far above the limit is refused from the GET's length, not downloaded; the
     * bytes the loader took from the response are counted under the S3 client.
     */
    @Test
    void anObjectAboveTheLimitIsRefusedWithoutBeingDownloaded() {
        int size = (int) ManifestBytes.MAX_BYTES + 8 * 1024 * 1024;
        aws.s3().putObject(p -> p.bucket("manifests").key("2026/huge.json"), RequestBody.fromBytes(new byte[size]));
        AtomicLong taken = new AtomicLong();
        ExecutionInterceptor counting = new ExecutionInterceptor() {
            @Override
            public Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
                return context.responseBody().map(in -> new FilterInputStream(in) {
                    @Override
                    public int read() throws IOException {
                        int b = super.read();
                        taken.addAndGet(b < 0 ? 0 : 1);
                        return b;
                    }

                    @Override
                    public int read(byte[] buf, int off, int len) throws IOException {
                        int n = super.read(buf, off, len);
                        taken.addAndGet(Math.max(0, n));
                        return n;
                    }
                });
            }
        };
        try (S3Client s3 = S3Client.builder().region(Region.US_EAST_1).endpointOverride(URI.create("http://127.0.0.1:" + s3Port()))
                .forcePathStyle(true).credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(ApacheHttpClient.create()).overrideConfiguration(c -> c.addExecutionInterceptor(counting)).build()) {
            InvalidManifestException e = assertThrows(InvalidManifestException.class,
                    () -> new ManifestLoader(s3, false).load("s3://manifests/2026/huge.json"));
            assertTrue(e.getMessage().contains("larger than " + ManifestBytes.MAX_BYTES + " bytes"), e.getMessage());
            assertTrue(taken.get() < 1024 * 1024, "the loader took " + taken.get() + " of the object's " + size + " bytes");
        }
    }

    @Test
    void aStreamLongerThanTheLimitIsCutOneBytePastIt() throws Exception {
        long[] taken = {0};
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                taken[0]++;
                return ' ';
            }
        };
        assertThrows(InvalidManifestException.class, () -> ManifestBytes.readBounded(endless, "s3://m/x.json"));
        assertEquals(ManifestBytes.MAX_BYTES + 1, taken[0], "read no further than one byte past the limit");
    }

    @Test
    void readsFileUris() throws Exception {
        Path p = tmp.resolve("m.json");
        Files.write(p, ManifestCodec.encode(MANIFEST));
        assertEquals(MANIFEST, loader().load(p.toUri().toString()));
        assertTrue(assertThrows(InvalidManifestException.class, () -> loader().load(tmp.resolve("none.json").toUri().toString()))
                .getMessage().contains("does not exist"));
    }

    @Test
    void inAClusterAMessageCannotMakeTheControllerReadItsOwnFiles() {
        InvalidManifestException e = assertThrows(InvalidManifestException.class,
                () -> new ManifestLoader(aws.s3(), false).load("file:/etc/passwd"));
        assertTrue(e.getMessage().contains("local file"), e.getMessage());
    }

    private static int s3Port() {
        return s3.getHttpPort();
    }

    private static ManifestLoader loader() {
        if (loader == null) {
            loader = new ManifestLoader(aws.s3(), true);
        }
        return loader;
    }

    /** S3Mock on a random port. */
    static final class S3Server extends S3MockStarter {
        S3Server() {
            super(Map.of("http.port", 0, "server.port", 0, "silent", true));
        }

        void begin() {
            start();
        }

        void end() {
            stop();
        }
    }
}
