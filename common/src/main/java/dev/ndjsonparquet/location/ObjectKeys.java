package dev.ndjsonparquet.location;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The one rule for the object keys the pipeline admits, shared by the builder (which quarantines a file whose key
 * breaks it as {@code unsafe-key}), the dispatcher and the Spark driver (which refuse a location whose
 * percent-decoded path breaks it, see {@link LocationPrefixes#canonical}). A key is refused when some part of the
 * pipeline would read another object than the one named, or could not carry the key unchanged:
 * <ul>
 *   <li>an empty ({@code //}), {@code .} or {@code ..} segment, a leading {@code /}: Hadoop's {@code Path} and URI
 *       normalisation rewrite them ({@code s3a://b/in//x} and {@code s3a://b/in/./x} both read {@code in/x});</li>
 *   <li>a backslash: Windows tools and some S3 clients read it as a separator;</li>
 *   <li>a control character (U+0000 to U+001F, U+007F): XML listings without URL encoding and logs do not carry it;</li>
 *   <li>an unpaired surrogate: not UTF-8, so no S3 key holds it (an event carrying one was not written by S3);</li>
 *   <li>more than 1,024 UTF-8 bytes, S3's limit; a trailing {@code /} (a folder marker, not a file).</li>
 * </ul>
 * Pure.
 */
public final class ObjectKeys {

    /** Characters a URI path holds as they are (RFC 3986 unreserved, sub-delims, ':', '@', '/'); others are %XX. */
    private static final String PATH_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/";

    /** S3's longest key, in UTF-8 bytes. */
    public static final int MAX_KEY_BYTES = 1024;

    private ObjectKeys() {
    }

    /** What is wrong with an object key, or empty when every part of the pipeline reads it as it is. */
    public static Optional<String> problem(String key) {
        if (key == null || key.isEmpty()) {
            return Optional.of("empty key");
        }
        if (key.startsWith("/")) {
            return Optional.of("key starts with '/', which paths drop");
        }
        Optional<String> inPath = pathProblem(key);
        if (inPath.isPresent()) {
            return Optional.of("key has " + inPath.get());
        }
        if (key.endsWith("/")) {
            return Optional.of("key ends with '/' (a folder marker, not a file)");
        }
        int bytes = key.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_KEY_BYTES) {
            return Optional.of("key is " + bytes + " bytes long; S3 keys have at most " + MAX_KEY_BYTES);
        }
        return Optional.empty();
    }

    /**
     * The URI a manifest names the object by: {@code <scheme>://<bucket>/<key>}, every character a URI path cannot
     * hold (a space, '%', '#', '?', non-ASCII) percent-encoded as its UTF-8 bytes, so that {@code java.net.URI} and
     * Hadoop's {@code new Path(URI)} read back exactly this key. Unlike {@code java.net.URI}'s own encoding, the key
     * is not NFC-normalised first: a key with U+212A (KELVIN SIGN) must not be named as one with 'K'.
     */
    public static String uri(String scheme, String bucket, String key) {
        StringBuilder b = new StringBuilder(scheme).append("://").append(bucket).append('/');
        for (byte x : key.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c < 0x80 && PATH_CHARS.indexOf(c) >= 0) {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        String uri = b.toString();
        try {
            java.net.URI parsed = new java.net.URI(uri);
            if (!bucket.equals(parsed.getAuthority())) {
                throw new IllegalArgumentException("bucket '" + bucket + "' cannot be a URI authority");
            }
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("bucket '" + bucket + "' cannot be a URI authority", e);
        }
        return uri;
    }

    /**
     * The same rule for the path of a location (its segments between '/'; a leading and a trailing '/' allowed):
     * what is wrong with it, described to follow "has", or empty.
     */
    public static Optional<String> pathProblem(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        String[] segments = p.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            if (s.isEmpty() && i < segments.length - 1) {
                return Optional.of("an empty segment ('//'), which paths read as one '/'");
            }
            if (s.equals(".")) {
                return Optional.of("a '.' segment ('/./'), which paths resolve to another location");
            }
            if (s.equals("..")) {
                return Optional.of("a '..' segment ('/../'), which paths resolve to another location");
            }
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\') {
                return Optional.of("a backslash, which some tools read as '/'");
            }
            if (c < 0x20 || c == 0x7f) {
                return Optional.of(String.format("a control character (U+%04X), which listings and logs do not carry safely", (int) c));
            }
            if (Character.isHighSurrogate(c) && i + 1 < path.length() && Character.isLowSurrogate(path.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return Optional.of(String.format("an unpaired surrogate (U+%04X), which is not UTF-8", (int) c));
            }
        }
        return Optional.empty();
    }
}
