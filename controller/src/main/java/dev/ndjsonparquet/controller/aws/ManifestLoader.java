package dev.ndjsonparquet.controller.aws;

import dev.ndjsonparquet.manifest.InvalidManifestException;
import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestBytes;
import dev.ndjsonparquet.manifest.ManifestCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Reads and validates the manifest a message points to: {@code s3://} and {@code s3a://} through the
 * S3 client, {@code file:} from disk. A manifest that does not exist, is too large or is invalid is an
 * {@link InvalidManifestException} (the message is poison); anything else (throttling, a network error,
 * access denied) is thrown as is, so the message is tried again later. The size is checked before the content
 * is read (the GET's content length, the file's size), and the read stops one byte past
 * {@link ManifestBytes#MAX_BYTES} whatever the length said: a message cannot make the dispatcher download a
 * huge object. {@link #read} also gives the SHA-256 of the bytes, which pins the manifest for the driver.
 */
public final class ManifestLoader {

    /** A manifest as read, and the SHA-256 of its bytes (lower-case hex). */
    public record Loaded(Manifest manifest, String sha256) {
    }

    private final S3Client s3;
    private final boolean files;

    /**
     * @param s3    the S3 client, or null when only {@code file:} manifests are expected
     * @param files whether {@code file:} manifests may be read: only for local runs, so that a message
     *              cannot make a controller in a cluster read its own files
     */
    public ManifestLoader(S3Client s3, boolean files) {
        this.s3 = s3;
        this.files = files;
    }

    /** The S3 client, shared with the attempt-marker reader. */
    S3Client s3() {
        return s3;
    }

    public Manifest load(String uri) {
        return read(uri).manifest();
    }

    /** The manifest and the SHA-256 of the bytes it was decoded from. */
    public Loaded read(String uri) {
        byte[] bytes = bytes(uri);
        return new Loaded(ManifestCodec.decode(bytes), ManifestBytes.sha256(bytes));
    }

    private byte[] bytes(String uri) {
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            throw new InvalidManifestException("manifest URI '" + uri + "' is not a URI: " + e.getReason(), e);
        }
        String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
        return switch (scheme) {
            case "s3", "s3a" -> fromS3(uri, parsed);
            case "file" -> {
                if (!files) {
                    throw new InvalidManifestException(java.util.List.of("manifest URI '" + uri
                            + "' is a local file; only s3:// and s3a:// manifests are read unless allowed-inputs lists a file: prefix"));
                }
                yield fromFile(uri, parsed);
            }
            default -> throw new InvalidManifestException(java.util.List.of(
                    "manifest URI '" + uri + "' has scheme '" + scheme + "'; expected s3, s3a or file"));
        };
    }

    private byte[] fromS3(String uri, URI parsed) {
        String bucket = parsed.getHost();
        String key = parsed.getPath() == null ? "" : parsed.getPath().replaceFirst("^/", "");
        if (bucket == null || bucket.isEmpty() || key.isEmpty()) {
            throw new InvalidManifestException(java.util.List.of("manifest URI '" + uri + "' names no bucket or key"));
        }
        if (s3 == null) {
            throw new IllegalStateException("no S3 client configured to read " + uri);
        }
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(r -> r.bucket(bucket).key(key))) {
            Long length = in.response().contentLength();
            if (length != null && length > ManifestBytes.MAX_BYTES) {
                in.abort(); // the connection is dropped rather than drained
                throw ManifestBytes.tooLarge(uri);
            }
            return ManifestBytes.readBounded(in, uri);
        } catch (NoSuchKeyException | NoSuchBucketException e) {
            throw new InvalidManifestException("manifest " + uri + " does not exist", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read manifest " + uri, e);
        }
    }

    private static byte[] fromFile(String uri, URI parsed) {
        Path path;
        try {
            path = Path.of(parsed);
        } catch (IllegalArgumentException e) {
            throw new InvalidManifestException("manifest URI '" + uri + "' is not a local file path", e);
        }
        try {
            if (Files.size(path) > ManifestBytes.MAX_BYTES) {
                throw ManifestBytes.tooLarge(uri);
            }
            try (InputStream in = Files.newInputStream(path)) {
                return ManifestBytes.readBounded(in, uri);
            }
        } catch (NoSuchFileException e) {
            throw new InvalidManifestException("manifest " + uri + " does not exist", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read manifest " + uri, e);
        }
    }
}
