package dev.ndjsonparquet.spark.commit;

import dev.ndjsonparquet.location.TrustedLocations;
import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestBytes;
import dev.ndjsonparquet.manifest.ManifestCodec;
import dev.ndjsonparquet.spark.read.HadoopPaths;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * What the driver checks of the manifest it actually read, before it deletes or writes anything (the dispatcher
 * decided on the manifest it read; the object could have been replaced since): at most
 * {@link ManifestBytes#MAX_BYTES} are read; the bytes must have the SHA-256 the dispatcher passed
 * ({@code --manifest-sha256}); the id must be the one its files give ({@link ManifestIdentity}); its output and
 * schema must lie under the allow-lists the dispatcher passed. Any of these refuses the whole manifest
 * ({@link ManifestRefusedException}). A file outside the allowed inputs refuses only itself: {@link #refusedFiles}
 * names it, and the run quarantines it with the reason, without reading it.
 *
 * @param sha256 the pinned SHA-256 of the manifest's bytes, or null (the {@code convert} command, manual runs)
 * @param trust  the allow-lists, or null to check none
 */
public record ManifestGate(String sha256, TrustedLocations trust) {

    /** Reads the manifest within the size limit and checks its id only: the {@code convert} command's gate. */
    public static final ManifestGate NONE = new ManifestGate(null, null);

    /** The manifest at {@code uri}, once every check passed; nothing else has been read, deleted or written. */
    public Manifest read(Configuration conf, String uri) throws IOException {
        Path p = HadoopPaths.of(uri);
        byte[] bytes;
        try (InputStream in = p.getFileSystem(conf).open(p)) {
            bytes = ManifestBytes.readBounded(in, uri);
        }
        if (sha256 != null) {
            String read = ManifestBytes.sha256(bytes);
            if (!read.equals(sha256)) {
                throw new ManifestRefusedException("manifest " + uri + " changed after the dispatcher checked it (sha256 "
                        + sha256 + ", read " + read + "): refusing to convert it (nothing was deleted or written)");
            }
        }
        Manifest m = ManifestCodec.decode(bytes);
        ManifestIdentity.requireMatchesFiles(m, uri);
        List<String> problems = trust == null ? List.of() : trust.problems(m);
        if (!problems.isEmpty()) {
            throw new ManifestRefusedException("manifest " + uri + " is refused: " + String.join("; ", problems)
                    + " (nothing was deleted or written)");
        }
        return m;
    }

    /** The files the run must not read (outside the allowed inputs, or with unsafe paths), by index, with the reason. */
    public Map<Integer, String> refusedFiles(Manifest m) {
        return trust == null ? Map.of() : trust.refusedFiles(m);
    }
}
