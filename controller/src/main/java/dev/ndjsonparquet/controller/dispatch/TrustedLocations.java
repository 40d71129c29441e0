package dev.ndjsonparquet.controller.dispatch;

import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestIds;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a manifest message may point, checked before anything is read or run: a manifest message is
 * untrusted input (issue 11). The manifest itself must lie under {@code manifests}; its files under
 * {@code inputs}; its output (which the Spark application deletes and writes under) under
 * {@code outputs}; its schema (read on the driver, {@code file:} included) under {@code schemas}; and
 * its id must be the one its files give ({@link ManifestIds}). A null list is not checked: only the
 * local pipeline and tests that build a dispatcher without these settings. Pure.
 */
public record TrustedLocations(LocationPrefixes manifests, AllowedInputs inputs, LocationPrefixes outputs, LocationPrefixes schemas) {

    /** Only the inputs are checked (assemblies that have no other locations configured). */
    public static TrustedLocations inputsOnly(AllowedInputs inputs) {
        return new TrustedLocations(null, inputs, null, null);
    }

    public boolean checksEverything() {
        return manifests != null && outputs != null && schemas != null;
    }

    /** May {@code file:} manifests be read at all: only when a {@code file:} manifest prefix is allowed (local runs). */
    public boolean allowsLocalManifests() {
        return manifests == null ? inputs.allowsLocalFiles() : manifests.anyLocal();
    }

    /** Checked before the manifest is read: why its URI is refused, or empty. */
    public Optional<String> manifestRefusal(String manifestUri) {
        return manifests == null ? Optional.empty() : manifests.refusal("manifest", manifestUri);
    }

    /** Every reason the loaded manifest is refused; empty when it may run. */
    public List<String> problems(Manifest m) {
        List<String> problems = new ArrayList<>(inputs.problems(m));
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
}
