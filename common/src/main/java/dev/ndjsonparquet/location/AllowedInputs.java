package dev.ndjsonparquet.location;

import dev.ndjsonparquet.manifest.Manifest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The prefixes input files may lie under ({@code s3://bucket/prefix/}, {@code file:/dir/}): the builder quarantines
 * an event for a file elsewhere, the Spark driver quarantines such a file of a manifest. {@code s3://} and
 * {@code s3a://} name the same objects. Every prefix ends with '/', so {@code s3://b/in/} does not also admit
 * {@code s3://b/input-secret/}. Locations are compared percent-decoded, and one whose path breaks the key rule
 * ({@link ObjectKeys}) is refused (see {@link LocationPrefixes}). Pure.
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

    /** Why the file at {@code uri} may not be read, or empty when it may. */
    public Optional<String> refusal(String uri) {
        return locations().refusal("file", uri);
    }

    /** The manifest's files outside every allowed prefix (or with paths file systems rewrite), by index, with the reason. */
    public Map<Integer, String> refusals(Manifest manifest) {
        Map<Integer, String> out = new LinkedHashMap<>();
        LocationPrefixes l = locations();
        for (int i = 0; i < manifest.files().size(); i++) {
            int index = i;
            l.refusal("file", manifest.files().get(i).uri()).ifPresent(r -> out.put(index, r));
        }
        return out;
    }

    /** Local runs: some prefix is a {@code file:} folder, so manifests may be local files too. */
    public boolean allowsLocalFiles() {
        return locations().anyLocal();
    }

    public boolean allows(String uri) {
        return refusal(uri).isEmpty();
    }

    @Override
    public String toString() {
        return String.join(",", prefixes);
    }
}
