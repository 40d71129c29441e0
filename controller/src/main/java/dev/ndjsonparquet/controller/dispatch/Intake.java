package dev.ndjsonparquet.controller.dispatch;

import dev.ndjsonparquet.controller.aws.ManifestLoader;
import dev.ndjsonparquet.controller.aws.SqsQueue;
import dev.ndjsonparquet.controller.dispatch.Dependencies.Calls;
import dev.ndjsonparquet.controller.dispatch.Dependencies.Service;
import dev.ndjsonparquet.location.TrustedLocations;
import dev.ndjsonparquet.manifest.InvalidManifestException;
import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestCodec;
import dev.ndjsonparquet.manifest.ManifestMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A newly received message, checked before anything is read or run ({@code docs/dispatcher.md}, "A manifest is
 * untrusted input"): decoded, its manifest URI checked, the manifest loaded and validated, the message compared with
 * it, every location checked. A refused message is poison: it is dead-lettered with the reason and never retried.
 * Only what concerns the whole manifest is poison: a file the allow-lists refuse is quarantined by the driver, which
 * converts the rest (the admitted verdict names such files, for the metrics and the log).
 * A manifest that cannot be read now (S3 throttled, unreachable, access denied) is not the message's fault: the
 * check throws {@link Dependencies.Unavailable} and the message waits in flight.
 */
final class Intake {

    /** What the check found. */
    sealed interface Verdict {
        /**
         * The manifest may run.
         *
         * @param sha256       of the manifest's bytes as checked: the driver refuses any other bytes
         * @param refusedFiles the files the allow-lists refuse, by index, with the reason (its driver quarantines them)
         */
        record Admitted(ManifestMessage message, Manifest manifest, String sha256, Map<Integer, String> refusedFiles)
                implements Verdict {
        }

        /** Poison: never run, never retried. */
        record Refused(String reason) implements Verdict {
        }
    }

    private final TrustedLocations trust;
    private final ManifestLoader manifests;
    private final Dependencies dependencies;

    Intake(TrustedLocations trust, ManifestLoader manifests, Dependencies dependencies) {
        this.trust = trust;
        this.manifests = manifests;
        this.dependencies = dependencies;
    }

    Verdict check(SqsQueue.Received m) {
        ManifestMessage message;
        Manifest manifest;
        String sha256;
        try {
            message = ManifestCodec.decodeMessage(m.body());
            // Refused before anything is read: the message is untrusted input.
            Optional<String> where = trust.manifestRefusal(message.manifestUri());
            if (where.isPresent()) {
                throw new InvalidManifestException(List.of(where.get()));
            }
            ManifestLoader.Loaded loaded = dependencies.call(Service.S3, Calls.LOAD_MANIFEST, () -> manifests.read(message.manifestUri()));
            manifest = loaded.manifest();
            sha256 = loaded.sha256();
            List<String> problems = new ArrayList<>(consistency(message, manifest));
            problems.addAll(trust.problems(manifest));
            if (!problems.isEmpty()) {
                throw new InvalidManifestException(problems);
            }
        } catch (InvalidManifestException e) {
            return new Verdict.Refused(String.join("; ", e.problems()));
        }
        return new Verdict.Admitted(message, manifest, sha256, trust.refusedFiles(manifest));
    }

    /** The message must describe the manifest it points to. */
    static List<String> consistency(ManifestMessage message, Manifest manifest) {
        List<String> problems = new ArrayList<>();
        if (!message.manifestId().equals(manifest.manifestId())) {
            problems.add("message names manifest " + message.manifestId() + " but " + message.manifestUri()
                    + " holds manifest " + manifest.manifestId());
        }
        if (message.fileCount() != manifest.fileCount() || message.totalBytes() != manifest.totalBytes()) {
            problems.add("message says " + message.fileCount() + " file(s), " + message.totalBytes() + " bytes; the manifest has "
                    + manifest.fileCount() + " file(s), " + manifest.totalBytes() + " bytes");
        }
        return problems;
    }
}
