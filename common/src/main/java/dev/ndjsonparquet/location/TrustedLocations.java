package dev.ndjsonparquet.location;

import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestIds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one manifest may do, decided by the dispatcher and checked again by the Spark driver on the manifest it
 * actually read: a manifest is untrusted input. Two kinds of refusal:
 * <ul>
 *   <li>of the whole manifest ({@link #problems}): its output (which the driver deletes and writes under) outside
 *       {@code outputs}, its schema (read on the driver, {@code file:} included) outside {@code schemas}, or an id
 *       that is not the one its files give ({@link ManifestIds}). Such a manifest is poison: nothing runs.</li>
 *   <li>of single files ({@link #refusedFiles}): a file outside {@code inputs}, or whose path breaks the key rule
 *       ({@link ObjectKeys}). The manifest still runs; the driver quarantines those files with the reason and
 *       converts the others, so one refused file (forged, or listed by an older builder) never takes good files down.</li>
 * </ul>
 * Where the manifest itself may be ({@code manifests}) is checked before it is read. A null list is not checked:
 * {@code manifests} in the driver (the dispatcher checked it), and assemblies of tests that configure no list. Pure.
 */
public record TrustedLocations(LocationPrefixes manifests, AllowedInputs inputs, LocationPrefixes outputs, LocationPrefixes schemas) {

    /** Only the inputs are checked (assemblies that have no other locations configured). */
    public static TrustedLocations inputsOnly(AllowedInputs inputs) {
        return new TrustedLocations(null, inputs, null, null);
    }

    public boolean checksEverything() {
        return manifests != null && inputs != null && outputs != null && schemas != null;
    }

    /** May {@code file:} manifests be read at all: only when a {@code file:} manifest prefix is allowed (local runs). */
    public boolean allowsLocalManifests() {
        return manifests != null ? manifests.anyLocal() : inputs != null && inputs.allowsLocalFiles();
    }

    /** Checked before the manifest is read: why its URI is refused, or empty. */
    public Optional<String> manifestRefusal(String manifestUri) {
        return manifests == null ? Optional.empty() : manifests.refusal("manifest", manifestUri);
    }

    /** Every reason the whole manifest is refused (output, schema, id); empty when it may run. */
    public List<String> problems(Manifest m) {
        List<String> problems = new ArrayList<>();
        if (outputs != null) {
            outputs.refusal("output", m.output(), true).ifPresent(problems::add);
        }
        if (m.schema() != null && schemas != null) {
            schemas.refusal("schema", m.schema()).ifPresent(problems::add);
        }
        if (m.files() != null && m.files().stream().allMatch(f -> f != null)) {
            String expected = ManifestIds.fromFiles(m.files());
            if (!expected.equals(m.manifestId())) {
                problems.add("manifestId " + m.manifestId() + " does not match its files (they give " + expected + ")");
            }
        }
        return problems;
    }

    /** The files the driver must not read, by their index in the manifest, each with the reason. */
    public Map<Integer, String> refusedFiles(Manifest m) {
        return inputs == null ? Map.of() : inputs.refusals(m);
    }
}
