package dev.ndjsonparquet.controller.builder;

import java.util.ArrayList;
import java.util.List;

/**
 * How a server-side copy of an object is cut: one {@code CopyObject} up to the preferred part size, else a
 * multipart copy of {@code UploadPartCopy} byte ranges, each a call of its own that fits a per-call time
 * budget however large the object is. S3's limits shape it: at most 10,000 parts, each at least 5 MiB (but the
 * last) and at most 5 GiB, so a very large object gets larger parts than preferred. Pure: no I/O.
 *
 * @param size  the object's size in bytes
 * @param parts the ranges to copy, in part-number order; empty for a single {@code CopyObject}
 */
record CopyPlan(long size, List<Part> parts) {

    static final int MAX_PARTS = 10_000;
    static final long MIN_PART = 5L * 1024 * 1024;
    static final long MAX_PART = 5L * 1024 * 1024 * 1024;

    /** One {@code UploadPartCopy}: part number (from 1) and the inclusive byte range of the source. */
    record Part(int number, long first, long last) {
        long length() {
            return last - first + 1;
        }

        String range() {
            return "bytes=" + first + "-" + last;
        }
    }

    CopyPlan {
        parts = List.copyOf(parts);
    }

    /** True when one {@code CopyObject} copies the whole object. */
    boolean single() {
        return parts.isEmpty();
    }

    static CopyPlan of(long size, long preferredPartSize) {
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size);
        }
        long preferred = Math.max(MIN_PART, Math.min(MAX_PART, preferredPartSize));
        if (size <= preferred) {
            return new CopyPlan(size, List.of());
        }
        long partSize = Math.max(preferred, ceilDiv(size, MAX_PARTS));
        if (partSize > MAX_PART) {
            throw new IllegalArgumentException("an object of " + size + " bytes cannot be copied in " + MAX_PARTS + " parts");
        }
        List<Part> parts = new ArrayList<>();
        int number = 1;
        for (long first = 0; first < size; first += partSize, number++) {
            parts.add(new Part(number, first, Math.min(size, first + partSize) - 1));
        }
        return new CopyPlan(size, parts);
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
