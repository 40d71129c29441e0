package dev.ndjsonparquet.conversion;

import java.util.Locale;

/**
 * How a manifest's rows are laid out under the table root (setting {@code partition-by}):
 * <ul>
 *   <li>{@code ingest-date}: {@code <root>/ingest_date=<manifest creation date>/manifest_id=<id>/}</li>
 *   <li>{@code event-date:<field>}: {@code <root>/manifest_id=<id>/event_date=<date of the field>/},
 *       the field a top-level timestamp, date or ISO-8601 string</li>
 *   <li>{@code none}: {@code <root>/manifest_id=<id>/}</li>
 * </ul>
 * Each manifest writes below its own {@code manifest_id=} directory, so a retry replaces exactly its
 * own earlier output and never touches another manifest's files.
 */
public record PartitionMode(Kind kind, String field) {

    public enum Kind { NONE, INGEST_DATE, EVENT_DATE }

    public static final String EVENT_DATE_COLUMN = "event_date";

    public static PartitionMode parse(String text) {
        String t = text.trim();
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.equals("none")) {
            return new PartitionMode(Kind.NONE, null);
        }
        if (lower.equals("ingest-date")) {
            return new PartitionMode(Kind.INGEST_DATE, null);
        }
        if (lower.startsWith("event-date:") && t.length() > "event-date:".length()) {
            return new PartitionMode(Kind.EVENT_DATE, t.substring("event-date:".length()));
        }
        throw new IllegalArgumentException("expected none, ingest-date or event-date:<top-level field>");
    }

    @Override
    public String toString() {
        return switch (kind) {
            case NONE -> "none";
            case INGEST_DATE -> "ingest-date";
            case EVENT_DATE -> "event-date:" + field;
        };
    }
}
