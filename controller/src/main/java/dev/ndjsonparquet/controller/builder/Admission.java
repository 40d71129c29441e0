package dev.ndjsonparquet.controller.builder;

import java.util.Optional;

/** The pure checks a file passes before it may be claimed: its name, then its size. */
public record Admission(NamePatterns patterns, SizeBand band) {

    /** Empty when the file is accepted, else the reason it goes to quarantine. */
    public Optional<QuarantineReason> check(String key, long size) {
        if (!patterns.accepts(key)) {
            return Optional.of(QuarantineReason.EXCLUDED_NAME);
        }
        return band.check(size);
    }
}
