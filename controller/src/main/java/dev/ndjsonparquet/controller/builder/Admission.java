package dev.ndjsonparquet.controller.builder;

import dev.ndjsonparquet.location.AllowedInputs;
import dev.ndjsonparquet.location.ObjectKeys;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The pure checks a file passes before it may be claimed. First where it is, before anything is read about it: its
 * key, by the rule the dispatcher and the Spark driver apply too ({@link ObjectKeys}), then whether the URI a
 * manifest would carry for it lies under {@code allowed-inputs} (the same {@link AllowedInputs} the driver checks), so
 * that every file the builder puts in a manifest is one the dispatcher and the driver admit. Then its name and size.
 */
public record Admission(NamePatterns patterns, SizeBand band, AllowedInputs inputs) {

    public Admission {
        Objects.requireNonNull(inputs, "allowed-inputs");
    }

    /**
     * {@link QuarantineReason#UNSAFE_KEY} or {@link QuarantineReason#OUTSIDE_ALLOWED_INPUTS}, else empty.
     *
     * @param uri the URI the manifest would name the file by; asked only for a key that passes
     */
    public Optional<QuarantineReason> location(String key, Supplier<String> uri) {
        if (ObjectKeys.problem(key).isPresent()) {
            return Optional.of(QuarantineReason.UNSAFE_KEY);
        }
        return inputs.refusal(uri.get()).map(r -> QuarantineReason.OUTSIDE_ALLOWED_INPUTS);
    }

    /** Why the file at {@code uri} is outside {@code allowed-inputs}, or empty. */
    public Optional<String> inputsRefusal(String uri) {
        return inputs.refusal(uri);
    }

    /** Empty when the file is accepted, else the reason it goes to quarantine. */
    public Optional<QuarantineReason> check(String key, long size) {
        if (!patterns.accepts(key)) {
            return Optional.of(QuarantineReason.EXCLUDED_NAME);
        }
        return band.check(size);
    }
}
