package dev.ndjsonparquet.controller.builder;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When a batch closes: at {@code maxFiles} files, at {@code maxBytes} bytes, or when its oldest file has
 * waited {@code maxAge}, whichever comes first. The byte cap is a ceiling: a file that would take the
 * batch over it closes the batch first and starts the next one (a single file larger than the cap makes a
 * batch of its own). Pure: the caller passes the batch's state and the time.
 */
public record BatchPolicy(int maxFiles, long maxBytes, Duration maxAge) {

    /** Why a batch was closed. */
    public enum CloseReason { COUNT, BYTES, AGE, FLUSH, RECOVERED }

    public BatchPolicy {
        if (maxFiles < 1 || maxBytes < 1 || maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("batch limits must be positive");
        }
    }

    /** True when a file of {@code nextSize} bytes must not join a batch of {@code count} files and {@code bytes} bytes. */
    public boolean closeBefore(int count, long bytes, long nextSize) {
        return count > 0 && bytes + nextSize > maxBytes;
    }

    /** Why a batch in this state must close now, or empty while it may keep filling. */
    public Optional<CloseReason> closeNow(int count, long bytes, Instant oldest, Instant now) {
        if (count == 0) {
            return Optional.empty();
        }
        if (count >= maxFiles) {
            return Optional.of(CloseReason.COUNT);
        }
        if (bytes >= maxBytes) {
            return Optional.of(CloseReason.BYTES);
        }
        if (!now.isBefore(deadline(oldest))) {
            return Optional.of(CloseReason.AGE);
        }
        return Optional.empty();
    }

    /** When a batch whose oldest file arrived at {@code oldest} closes by age. */
    public Instant deadline(Instant oldest) {
        return oldest.plus(maxAge);
    }
}
