package dev.ndjsonparquet.controller.dispatch;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Times as the Kubernetes API writes them (RFC 3339 strings in metadata and status). */
final class ApiTimestamps {

    private ApiTimestamps() {
    }

    /** The instant {@code v} names, or null when it is absent or not a time (a field a client left odd never fails a step). */
    static Instant parse(String v) {
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
