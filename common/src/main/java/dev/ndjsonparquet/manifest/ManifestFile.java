package dev.ndjsonparquet.manifest;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One input file of a manifest.
 *
 * @param uri       where the file is: {@code s3a://bucket/key}, {@code s3://bucket/key} or {@code file:/path}
 * @param size      its size in bytes, as the object store reported it when the file was recorded
 * @param etag      the object's ETag when recorded (null for local files); a file whose ETag changed
 *                  since is not converted under this manifest
 * @param versionId the object version when the bucket is versioned, else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ManifestFile(String uri, long size, String etag, String versionId) {

    public ManifestFile(String uri, long size, String etag) {
        this(uri, size, etag, null);
    }

    /** The identity used for deduplication and for the manifest id: the URI plus the object's version. */
    public String identity() {
        return uri + "|" + (etag == null ? "" : etag) + "|" + (versionId == null ? "" : versionId);
    }
}
