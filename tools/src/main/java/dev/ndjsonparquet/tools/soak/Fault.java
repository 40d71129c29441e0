package dev.ndjsonparquet.tools.soak;

/**
 * What the soak's proxy does to one call it picks. Each has two forms, drawn with the call: an error answer (the
 * server's own error shape: S3's XML, SQS's JSON, a Kubernetes Status) or a connection reset, which clients see as an
 * I/O error.
 */
public enum Fault {
    /** The call is refused before it reaches the server: nothing happened. */
    FAILS_BEFORE("fails before taking effect"),
    /** The server did the call; the answer is replaced by an error: the caller cannot tell that it took effect. */
    TAKES_EFFECT_THEN_FAILS("takes effect, then fails"),
    /** The server did the call; the answer is held past the caller's timeout (a Lease can expire inside it). */
    SLOW("slow beyond the timeout");

    private final String description;

    Fault(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
