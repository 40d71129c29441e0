package dev.ndjsonparquet.spark.commit;

/**
 * The driver refuses the manifest it read before it deletes or writes anything: its bytes are not the ones the
 * dispatcher checked, its id does not match its files, or its output or schema lies outside the allow-lists.
 * Not transient: a retry would meet the same manifest ({@code ConvertManifest} exits with code 4).
 */
public final class ManifestRefusedException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public ManifestRefusedException(String message) {
        super(message);
    }
}
