package dev.ndjsonparquet.location;

import java.util.ArrayList;
import java.util.List;

/**
 * What the dispatcher hands the Spark driver to check again before it deletes or writes anything (contract between
 * the dispatcher's {@code SparkApplicationBuilder} and the driver's {@code ConvertManifest}): the SHA-256 of the
 * manifest's bytes as the dispatcher read and checked them, and the allow-lists it checked them against. The driver
 * refuses a manifest whose bytes differ (changed after the check) or whose output or schema lies outside the lists,
 * and quarantines each file outside the inputs.
 *
 * @param manifestSha256 lower-case hex SHA-256 of the manifest object, or null to pass none
 * @param trust          the allow-lists; null lists are not passed
 */
public record DriverChecks(String manifestSha256, TrustedLocations trust) {

    /** The driver's option that carries the manifest's SHA-256. */
    public static final String MANIFEST_SHA256 = "--manifest-sha256";

    /** The driver's arguments, in this order: the pin, then each allow-list given. */
    public List<String> arguments() {
        List<String> args = new ArrayList<>();
        if (manifestSha256 != null) {
            args.add(MANIFEST_SHA256);
            args.add(manifestSha256);
        }
        if (trust != null) {
            if (trust.inputs() != null) {
                args.add("--" + LocationSettings.ALLOWED_INPUTS.key());
                args.add(String.join(",", trust.inputs().prefixes()));
            }
            if (trust.outputs() != null) {
                args.add("--" + LocationSettings.ALLOWED_OUTPUTS.key());
                args.add(String.join(",", trust.outputs().prefixes()));
            }
            if (trust.schemas() != null) {
                args.add("--" + LocationSettings.ALLOWED_SCHEMAS.key());
                args.add(String.join(",", trust.schemas().prefixes()));
            }
        }
        return args;
    }
}
