package dev.ndjsonparquet.controller.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adobe.testing.s3mock.testsupport.common.S3MockStarter;
import dev.ndjsonparquet.manifest.InvalidManifestException;
import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestCodec;
import dev.ndjsonparquet.manifest.ManifestFile;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;

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
