package dev.ndjsonparquet.controller.dispatch;

import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestFile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The bucket prefixes manifests may read from ({@code s3://bucket/prefix/}, {@code file:/dir/}).
 * {@code s3://} and {@code s3a://} name the same objects. Every prefix ends with '/', so
 * {@code s3://b/in/} does not also admit {@code s3://b/input-secret/}.
 */
public record AllowedInputs(List<String> prefixes) {

    public AllowedInputs {
        prefixes = List.copyOf(prefixes);
    }

    /** Parses a comma-separated list; blank entries are ignored. */
    public static AllowedInputs parse(String commaSeparated) {
        return new AllowedInputs(Arrays.stream(commaSeparated.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList());
    }

    /** Why this list cannot be used, or empty. */
    public Optional<String> problem() {
        if (prefixes.isEmpty()) {
            return Optional.of("at least one prefix is required");
        }
        for (String p : prefixes) {
            String n = normalize(p);
            if (!(n.startsWith("s3a://") || n.startsWith("file:/"))) {
                return Optional.of("'" + p + "' must start with s3://, s3a:// or file:/");
            }
            if (n.startsWith("s3a://") && n.length() <= "s3a://".length() + 1) {
                return Optional.of("'" + p + "' names no bucket");
            }
            if (!n.endsWith("/")) {
                return Optional.of("'" + p + "' must end with '/' (a bucket or a folder)");
            }
        }
        return Optional.empty();
    }

    /** The manifest's files outside every allowed prefix, as problems; empty when all are allowed. */
    public List<String> problems(Manifest manifest) {
        List<String> out = new ArrayList<>();
        for (ManifestFile f : manifest.files()) {
            if (!allows(f.uri())) {
                out.add("file " + f.uri() + " is outside the allowed inputs " + prefixes);
            }
        }
        return out;
    }

    /** Local runs: some prefix is a {@code file:} folder, so manifests may be local files too. */
    public boolean allowsLocalFiles() {
        return prefixes.stream().anyMatch(p -> normalize(p).startsWith("file:"));
    }

    public boolean allows(String uri) {
        String n = normalize(uri);
        if (n.contains("/../") || n.endsWith("/..")) {
            return false;
        }
        return prefixes.stream().map(AllowedInputs::normalize).anyMatch(n::startsWith);
    }

    private static String normalize(String uri) {
        String lower = uri.length() >= 6 ? uri.substring(0, 6).toLowerCase(Locale.ROOT) + uri.substring(6) : uri;
        if (lower.startsWith("s3://")) {
            return "s3a://" + lower.substring("s3://".length());
        }
        if (lower.startsWith("file:///")) {
            return "file:/" + lower.substring("file:///".length());
        }
        return lower;
    }

    @Override
    public String toString() {
        return String.join(",", prefixes);
    }
}
