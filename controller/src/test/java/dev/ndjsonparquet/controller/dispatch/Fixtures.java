package dev.ndjsonparquet.controller.dispatch;

import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestFile;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Manifests for tests. */
final class Fixtures {

    static final long GIB = 1024L * 1024 * 1024;

    private Fixtures() {
    }

    /** A valid manifest of {@code files} files of {@code bytesEach} under {@code prefix} (e.g. s3a://landing/in/). */
    static Manifest manifest(String prefix, int files, long bytesEach, String salt) {
        List<ManifestFile> list = new ArrayList<>();
        for (int i = 0; i < files; i++) {
            list.add(new ManifestFile(prefix + salt + "-" + i + ".ndjson", bytesEach, "etag-" + salt + i));
        }
        return Manifest.of(Instant.parse("2026-01-01T00:00:00Z"), list, "s3a://lake/out/", null);
    }
}
