package dev.ndjsonparquet.manifest;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A manifest object's bytes, as the dispatcher and the Spark driver read them: never more than {@link #MAX_BYTES}
 * (a stream is read no further than one byte past the limit, whatever its length claims), and pinned by their
 * SHA-256, which the dispatcher passes the driver ({@code --manifest-sha256}) so the driver converts exactly the
 * manifest the dispatcher checked.
 */
public final class ManifestBytes {

    /** A 100-file manifest is a few tens of KB; anything near this is not a manifest. */
    public static final long MAX_BYTES = 16L * 1024 * 1024;

    private ManifestBytes() {
    }

    /** The manifest's bytes, or {@link InvalidManifestException} once more than {@link #MAX_BYTES} arrive. */
    public static byte[] readBounded(InputStream in, String uri) throws IOException {
        byte[] bytes = in.readNBytes((int) MAX_BYTES + 1);
        if (bytes.length > MAX_BYTES) {
            throw tooLarge(uri);
        }
        return bytes;
    }

    /** The refusal of a manifest larger than {@link #MAX_BYTES}. */
    public static InvalidManifestException tooLarge(String uri) {
        return new InvalidManifestException(List.of("manifest " + uri + " is larger than " + MAX_BYTES + " bytes"));
    }

    /** Lower-case hex SHA-256 of the bytes. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }
}
