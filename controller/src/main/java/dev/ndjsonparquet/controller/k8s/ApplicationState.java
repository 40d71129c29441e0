package dev.ndjsonparquet.controller.k8s;

import java.util.Locale;

/** spark-operator's application states (its {@code ApplicationStateType}), plus NEW before any status. */
public enum ApplicationState {
    NEW, SUBMITTED, RUNNING, SUCCEEDING, COMPLETED, FAILING, PENDING_RERUN, FAILED, SUBMISSION_FAILED,
    INVALIDATING, SUSPENDING, SUSPENDED, RESUMING, UNKNOWN;

    /** Parses the status string; empty means NEW, anything unrecognised UNKNOWN. */
    public static ApplicationState parse(String value) {
        if (value == null || value.isBlank()) {
            return NEW;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return UNKNOWN;
        }
    }

    /** spark-operator will not move the application on by itself. */
    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == SUBMISSION_FAILED;
    }
}
