package dev.ndjsonparquet.spark.commit;

import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestIds;

/**
 * A manifest is input from a queue: its id names the output directory that a run deletes and
 * rewrites, so the id must be the one its files give. A forged or corrupted manifest whose id does
 * not match would delete or overwrite another manifest's output; it is refused before anything is
 * read or deleted.
 */
public final class ManifestIdentity {

    private ManifestIdentity() {
    }

    public static void requireMatchesFiles(Manifest m, String uri) {
        String expected = ManifestIds.fromFiles(m.files());
        if (!expected.equals(m.manifestId())) {
            throw new ManifestRefusedException("manifest " + uri + " says its id is " + m.manifestId()
                    + " but its files give " + expected + ": refusing to convert it (nothing was read or deleted)");
        }
    }
}
