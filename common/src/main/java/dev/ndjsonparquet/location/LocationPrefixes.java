package dev.ndjsonparquet.location;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Locations (URIs) compared as the file system that opens them would see them: {@code s3://} read as
 * {@code s3a://}, {@code file:///} as {@code file:/}, the path percent-decoded. A URI whose path has an
 * empty ({@code //}), {@code .} or {@code ..} segment, raw or decoded, is refused outright: Hadoop's
 * {@code Path} and the local file system normalise such paths, so the object read would not be the one
 * named (issue 10 item 4). Pure.
 */
public final class LocationPrefixes {

    /** A location as compared: the canonical form, or why it cannot be used. */
    public record Canonical(String value, String refusal) {
        public boolean refused() {
            return refusal != null;
        }
    }

    private final String kind;
    private final List<String> prefixes;
    private final List<String> canonical;

    /**
     * @param kind     what the prefixes admit, for messages ("inputs", "outputs", ...)
     * @param prefixes the allowed prefixes as configured
     */
    public LocationPrefixes(String kind, List<String> prefixes) {
        this.kind = kind;
        this.prefixes = List.copyOf(prefixes);
        this.canonical = this.prefixes.stream().map(p -> canonical(p).value()).toList();
    }

    public static LocationPrefixes parse(String kind, String commaSeparated) {
        return new LocationPrefixes(kind, Arrays.stream(commaSeparated.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList());
    }

    public List<String> prefixes() {
        return prefixes;
    }

    /** Why these prefixes cannot be used, or empty; {@code mayBeEmpty} for optional lists. */
    public Optional<String> problem(boolean mayBeEmpty) {
        if (prefixes.isEmpty()) {
            return mayBeEmpty ? Optional.empty() : Optional.of("at least one prefix is required");
        }
        for (String p : prefixes) {
            Canonical c = canonical(p);
            if (c.refused()) {
                return Optional.of("'" + p + "' " + c.refusal());
            }
            String n = c.value();
            if (!(n.startsWith("s3a://") || n.startsWith("file:/"))) {
                return Optional.of("'" + p + "' must start with s3://, s3a:// or file:/");
            }
            if (n.startsWith("s3a://") && n.indexOf('/', "s3a://".length()) <= "s3a://".length()) {
                return Optional.of("'" + p + "' names no bucket");
            }
            if (!n.endsWith("/")) {
                return Optional.of("'" + p + "' must end with '/' (a bucket or a folder)");
            }
        }
        return Optional.empty();
    }

    /** Why {@code uri} (named {@code what} in the message) is not admitted, or empty when it is. */
    public Optional<String> refusal(String what, String uri) {
        return refusal(what, uri, false);
    }

    /**
     * As {@link #refusal(String, String)}; with {@code folder} the location is a directory, so
     * {@code s3://lake/out} is compared as {@code s3://lake/out/}.
     */
    public Optional<String> refusal(String what, String uri, boolean folder) {
        if (uri == null) {
            return Optional.of(what + " is missing");
        }
        Canonical c = canonical(uri);
        if (c.refused()) {
            return Optional.of(what + " " + uri + " " + c.refusal());
        }
        String n = folder && !c.value().endsWith("/") ? c.value() + "/" : c.value();
        return canonical.stream().anyMatch(n::startsWith) ? Optional.empty()
                : Optional.of(what + " " + uri + " is outside the allowed " + kind + " " + prefixes);
    }

    public boolean allows(String uri) {
        return refusal("location", uri).isEmpty();
    }

    public boolean anyLocal() {
        return canonical.stream().anyMatch(p -> p.startsWith("file:"));
    }

    /** The form locations are compared in, or why the location is refused. */
    public static Canonical canonical(String uri) {
        int colon = uri.indexOf(':');
        String lower = colon < 0 ? uri : uri.substring(0, colon).toLowerCase(Locale.ROOT) + uri.substring(colon);
        String head;
        String path;
        if (lower.startsWith("s3://") || lower.startsWith("s3a://")) {
            String rest = lower.substring(lower.indexOf("://") + 3);
            int slash = rest.indexOf('/');
            String bucket = slash < 0 ? rest : rest.substring(0, slash);
            head = "s3a://" + bucket;
            path = slash < 0 ? "" : rest.substring(slash);
        } else if (lower.startsWith("file:")) {
            String rest = lower.substring("file:".length());
            if (rest.startsWith("///")) {
                rest = rest.substring(2);
            } else if (rest.startsWith("//localhost/")) {
                rest = rest.substring("//localhost".length());
            } else if (rest.startsWith("//")) {
                return new Canonical(null, "names a remote host");
            }
            head = "file:";
            path = rest;
        } else {
            head = "";
            path = lower;
        }
        if (path.indexOf('?') >= 0 || path.indexOf('#') >= 0) {
            return new Canonical(null, "has a query or fragment");
        }
        String decoded;
        try {
            decoded = percentDecode(path);
        } catch (IllegalArgumentException e) {
            return new Canonical(null, "has a bad percent escape in its path (" + e.getMessage() + ")");
        }
        // The same rule as the builder's for keys (ObjectKeys), on the path as written and as a file system reads it.
        for (String p : new String[] {path, decoded}) {
            Optional<String> bad = ObjectKeys.pathProblem(p);
            if (bad.isPresent()) {
                return new Canonical(null, "has " + bad.get() + " in its path");
            }
        }
        return new Canonical(head + decoded, null);
    }

    /** Decodes %XX escapes as UTF-8; a bad escape or bytes that are not UTF-8 are refused, not guessed. */
    private static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw new IllegalArgumentException("'%' at " + i + " is not followed by two hex digits");
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("'%" + s.charAt(i + 1) + s.charAt(i + 2) + "' at " + i);
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                int end = Character.isHighSurrogate(c) && i + 1 < s.length() ? i + 2 : i + 1;
                byte[] b = s.substring(i, end).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
                i = end - 1;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the escapes are not UTF-8");
        }
    }

    @Override
    public String toString() {
        return String.join(",", prefixes);
    }
}
