package dev.ndjsonparquet.controller.aws;

import dev.ndjsonparquet.manifest.InvalidManifestException;
import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Reads and validates the manifest a message points to: {@code s3://} and {@code s3a://} through the
 * S3 client, {@code file:} from disk. A manifest that does not exist, is too large or is invalid is an
 * {@link InvalidManifestException} (the message is poison); anything else (throttling, a network error,
 * access denied) is thrown as is, so the message is tried again later.
 */
public final class ManifestLoader {

    /** A 100-file manifest is a few tens of KB; anything near this is not a manifest. */
    public static final long MAX_BYTES = 16L * 1024 * 1024;

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
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            throw new InvalidManifestException("manifest URI '" + uri + "' is not a URI: " + e.getReason(), e);
        }
        String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
        return switch (scheme) {
            case "s3", "s3a" -> ManifestCodec.decode(fromS3(uri, parsed));
            case "file" -> {
                if (!files) {
                    throw new InvalidManifestException(java.util.List.of("manifest URI '" + uri
                            + "' is a local file; only s3:// and s3a:// manifests are read unless allowed-inputs lists a file: prefix"));
                }
                yield ManifestCodec.decode(fromFile(uri, parsed));
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
        try {
            var response = s3.getObjectAsBytes(r -> r.bucket(bucket).key(key));
            if (response.response().contentLength() != null && response.response().contentLength() > MAX_BYTES) {
                throw tooLarge(uri);
            }
            return response.asByteArray();
        } catch (NoSuchKeyException | NoSuchBucketException e) {
            throw new InvalidManifestException("manifest " + uri + " does not exist", e);
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
            if (Files.size(path) > MAX_BYTES) {
                throw tooLarge(uri);
            }
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new InvalidManifestException("manifest " + uri + " does not exist", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read manifest " + uri, e);
        }
    }

    private static InvalidManifestException tooLarge(String uri) {
        return new InvalidManifestException(java.util.List.of("manifest " + uri + " is larger than " + MAX_BYTES + " bytes"));
    }
}
