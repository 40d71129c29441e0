package dev.ndjsonparquet.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The manifest id names every SparkApplication and output directory in flight, and a builder rebuilds a closed batch's
 * manifest from its file list after a crash expecting the same id: a change to the id function would go unnoticed by
 * tests that only compare ids computed by it. These ids were computed outside the project (Python's hashlib: SHA-256 over
 * the sorted identities {@code uri|etag|versionId}, each followed by a newline, first 24 hex digits) and are pinned.
 */
class ManifestIdsTest {

    private static final ManifestFile A = new ManifestFile("s3a://landing/ndjson/2026/11/26/a.ndjson", 3_500_000_000L,
            "\"9b2cf535f27731c974343645a3985328\"");
    private static final ManifestFile B = new ManifestFile("s3a://landing/ndjson/2026/11/26/b%20c.ndjson.gz", 1_200_000_000L,
            "\"0a1b2c-3\"", "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY");

    @Test
    void aKnownFileListHasAKnownId() {
        assertEquals("m-690a569fbe368c69883b35f6", ManifestIds.fromFiles(List.of(A, B)));
        assertEquals("m-690a569fbe368c69883b35f6", ManifestIds.fromFiles(List.of(B, A)), "the order of the files does not matter");
        assertEquals("m-4382316812726bd701014d6f", ManifestIds.fromFiles(List.of(A)));
    }

    @Test
    void theSizeIsNotPartOfTheIdButTheVersionIs() {
        assertEquals("m-4382316812726bd701014d6f", ManifestIds.fromFiles(List.of(new ManifestFile(A.uri(), 1, A.etag()))));
        assertEquals("m-690a569fbe368c69883b35f6", ManifestIds.fromFiles(List.of(A, new ManifestFile(B.uri(), 7, B.etag(), B.versionId()))));
        assertEquals("m-421560e8d323e4844c590e96", ManifestIds.fromFiles(List.of(A, new ManifestFile(B.uri(), B.size(), B.etag()))));
    }
}
