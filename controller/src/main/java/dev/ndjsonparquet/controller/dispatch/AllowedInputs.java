package dev.ndjsonparquet.controller.dispatch;

import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The bucket prefixes manifests may read from ({@code s3://bucket/prefix/}, {@code file:/dir/}).
 * {@code s3://} and {@code s3a://} name the same objects. Every prefix ends with '/', so
 * {@code s3://b/in/} does not also admit {@code s3://b/input-secret/}. Locations are compared
 * percent-decoded, and one with an empty, "." or ".." path segment is refused (see {@link LocationPrefixes}).
 */
public record AllowedInputs(List<String> prefixes) {

    public AllowedInputs {
        prefixes = List.copyOf(prefixes);
    }

    /** Parses a comma-separated list; blank entries are ignored. */
    public static AllowedInputs parse(String commaSeparated) {
        return new AllowedInputs(LocationPrefixes.parse("inputs", commaSeparated).prefixes());
    }

    private LocationPrefixes locations() {
        return new LocationPrefixes("inputs", prefixes);
    }

    /** Why this list cannot be used, or empty. */
    public Optional<String> problem() {
        return locations().problem(false);
    }

    /** The manifest's files outside every allowed prefix (or with paths file systems rewrite), as problems. */
    public List<String> problems(Manifest manifest) {
        List<String> out = new ArrayList<>();
        LocationPrefixes l = locations();
        for (ManifestFile f : manifest.files()) {
            l.refusal("file", f.uri()).ifPresent(out::add);
        }
        return out;
    }

    /** Local runs: some prefix is a {@code file:} folder, so manifests may be local files too. */
    public boolean allowsLocalFiles() {
        return locations().anyLocal();
    }

    public boolean allows(String uri) {
        return locations().allows(uri);
    }

    @Override
    public String toString() {
        return String.join(",", prefixes);
    }
}
