package dev.ndjsonparquet.controller.builder;

import java.util.Optional;

/**
 * The accepted file sizes, both ends inclusive. A bound of 0 means "no bound" (the maximum), or
 * "anything from 0 bytes" (the minimum), so {@code new SizeBand(0, 0)} accepts every size.
 *
 * <p>The original Lambda used an expected size of 3,500 MB with 20% tolerance, i.e. 2,800 to 4,200 MB,
 * which rejects the 4.3 to 4.5 GB files of its own stated 3.5 to 4.5 GB range. The band here is explicit
 * and its defaults (3,000 to 5,000 MiB) accept that range with a margin.
 */
public record SizeBand(long minBytes, long maxBytes) {

    public SizeBand {
        if (minBytes < 0 || maxBytes < 0) {
            throw new IllegalArgumentException("size bounds must not be negative");
        }
        if (maxBytes > 0 && minBytes > maxBytes) {
            throw new IllegalArgumentException("minimum size " + minBytes + " is above maximum " + maxBytes);
        }
    }

    public static SizeBand unbounded() {
        return new SizeBand(0, 0);
    }

    /** Empty when the size is inside the band, else why it is not. */
    public Optional<QuarantineReason> check(long size) {
        if (size < minBytes) {
            return Optional.of(QuarantineReason.TOO_SMALL);
        }
        if (maxBytes > 0 && size > maxBytes) {
            return Optional.of(QuarantineReason.TOO_LARGE);
        }
        return Optional.empty();
    }
}
