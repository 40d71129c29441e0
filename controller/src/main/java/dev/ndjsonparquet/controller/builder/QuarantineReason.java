package dev.ndjsonparquet.controller.builder;

import java.util.Locale;

/** Why a file was not accepted; the code is the metric tag and the quarantine sub-folder. */
public enum QuarantineReason {
    TOO_SMALL,
    TOO_LARGE,
    EXCLUDED_NAME,
    /** A key a Hadoop path would rewrite ({@code //}, {@code /./}, {@code /../}): see {@link KeySafety}. */
    UNSAFE_KEY;

    public String code() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
