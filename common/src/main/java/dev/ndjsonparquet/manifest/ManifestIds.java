package dev.ndjsonparquet.manifest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Manifest ids: {@code m-} followed by 24 hex digits of a SHA-256 over the sorted file identities.
 * The same set of files always gives the same id, so a batch rebuilt after a crash, a manifest sent
 * twice or retried lands on the same SparkApplication name and the same output directory.
 */
public final class ManifestIds {

    /** Longest id accepted; leaves room for prefixes and suffixes in Kubernetes names (63 characters). */
    public static final int MAX_LENGTH = 40;
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final int HEX_DIGITS = 24;

    private ManifestIds() {
    }

    public static String fromFiles(List<ManifestFile> files) {
        MessageDigest sha = sha256();
        files.stream().map(ManifestFile::identity).sorted().forEach(identity -> {
            sha.update(identity.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) '\n');
        });
        return "m-" + HexFormat.of().formatHex(sha.digest()).substring(0, HEX_DIGITS);
    }

    /** True when the id can be used as (part of) a Kubernetes object name: a DNS-1123 label of at most 40 characters. */
    public static boolean isDnsSafe(String id) {
        return id != null && id.length() <= MAX_LENGTH && DNS_LABEL.matcher(id).matches();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }
}
