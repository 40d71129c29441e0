package dev.ndjsonparquet.location;

import dev.ndjsonparquet.settings.Setting;
import java.util.List;

/**
 * The allow-lists more than one process reads, declared once: the builder reads {@link #ALLOWED_INPUTS}; the
 * dispatcher all three; the Spark driver all three too, as the arguments the dispatcher gives it
 * ({@link DriverChecks}), so the driver checks the manifest it read against the lists the dispatcher checked.
 */
public final class LocationSettings {

    public static final Setting<AllowedInputs> ALLOWED_INPUTS = Setting.of("allowed-inputs", "list", AllowedInputs::parse)
            .env("ALLOWED_INPUTS").required()
            .check(AllowedInputs::problem)
            .describedAs("Comma-separated prefixes input files may lie under, each ending in '/' (e.g. `s3://landing/ndjson/`): "
                    + "the builder quarantines an event for a file elsewhere (`outside-allowed-inputs`), and a manifest's file "
                    + "elsewhere is quarantined by its Spark application while the other files convert. Manifests themselves "
                    + "may be local files only when a `file:/` prefix is listed (local runs).")
            .build();
    public static final Setting<LocationPrefixes> ALLOWED_OUTPUTS = Setting.of("allowed-outputs", "list",
                    v -> LocationPrefixes.parse("outputs", v))
            .env("ALLOWED_OUTPUTS").required()
            .check(p -> p.problem(false))
            .describedAs("Comma-separated prefixes, each ending in '/', a manifest's output may lie under (the builder's output-location, e.g. `s3://lake/events/`); the Spark application deletes and writes there, so a manifest with another output is dead-lettered (and refused by the driver too).")
            .build();
    public static final Setting<LocationPrefixes> ALLOWED_SCHEMAS = Setting.of("allowed-schemas", "list",
                    v -> LocationPrefixes.parse("schema locations", v))
            .env("ALLOWED_SCHEMAS")
            .check(p -> p.problem(true))
            .describedAs("Comma-separated prefixes, each ending in '/', a manifest's schema file may lie under (the driver reads it; `file:/` only if listed); empty means the allowed-manifests prefixes.")
            .build();

    /** What the Spark driver declares: the lists it checks the manifest against again. */
    public static final List<Setting<?>> DRIVER = List.of(ALLOWED_INPUTS, ALLOWED_OUTPUTS, ALLOWED_SCHEMAS);

    private LocationSettings() {
    }
}
