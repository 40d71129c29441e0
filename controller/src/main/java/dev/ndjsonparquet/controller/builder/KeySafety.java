package dev.ndjsonparquet.controller.builder;

import java.util.Optional;

/**
 * Keys that Hadoop paths (and URI normalisation) rewrite: {@code //}, a {@code .} or {@code ..} segment, a
 * leading {@code /}. {@code new Path("s3a://b/in//x.ndjson")} and {@code s3a://b/in/./x.ndjson} both read
 * key {@code in/x.ndjson}, and a {@code ..} segment names an object outside the prefix or none, so such a
 * file would be converted as another object. They are quarantined before they are claimed. Pure.
 */
public final class KeySafety {

    private KeySafety() {
    }

    /** {@link QuarantineReason#UNSAFE_KEY} when the key would be rewritten, else empty. */
    public static Optional<QuarantineReason> check(String key) {
        return problem(key).map(p -> QuarantineReason.UNSAFE_KEY);
    }

    /** What is wrong with the key, or empty when a path reads it as it is. */
    public static Optional<String> problem(String key) {
        if (key == null || key.isEmpty()) {
            return Optional.of("empty key");
        }
        if (key.startsWith("/")) {
            return Optional.of("key starts with '/' (a path would drop it)");
        }
        String[] segments = key.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            if (s.isEmpty() && i < segments.length - 1) {
                return Optional.of("key contains '//' (a path would read it as one '/')");
            }
            if (s.equals(".") || s.equals("..")) {
                return Optional.of("key has a '" + s + "' segment (a path would resolve it and read another object)");
            }
        }
        if (key.endsWith("/")) {
            return Optional.of("key ends with '/' (a folder marker, not a file)");
        }
        return Optional.empty();
    }
}
