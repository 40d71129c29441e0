package dev.ndjsonparquet.controller.builder;

import java.util.Locale;

/** Why a file was not accepted; the code is the metric tag and the quarantine sub-folder. */
public enum QuarantineReason {
    TOO_SMALL,
    TOO_LARGE,
    EXCLUDED_NAME,
    /** A key that breaks the rule shared with the dispatcher and the driver: see {@code ObjectKeys}. */
    UNSAFE_KEY,
    /** An event for a file outside {@code allowed-inputs} (another bucket or prefix): never read, never copied. */
    OUTSIDE_ALLOWED_INPUTS;

    public String code() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Whether quarantine mode {@code copy} copies the object: not for an unsafe key (the copy's key would carry the
     * same problem) nor for a file outside the allowed inputs (the builder reads nothing there).
     */
    public boolean copiesObject() {
        return this != UNSAFE_KEY && this != OUTSIDE_ALLOWED_INPUTS;
    }
}
