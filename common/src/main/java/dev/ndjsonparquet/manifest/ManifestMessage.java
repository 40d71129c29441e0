package dev.ndjsonparquet.manifest;

/**
 * The small SQS message that points at a manifest (SQS bodies are limited to 256 KB, a manifest of
 * 100 files is not). The manifest itself stays the source of truth.
 */
public record ManifestMessage(String manifestUri, String manifestId, int fileCount, long totalBytes) {

    public static ManifestMessage of(String manifestUri, Manifest manifest) {
        return new ManifestMessage(manifestUri, manifest.manifestId(), manifest.fileCount(), manifest.totalBytes());
    }
}
