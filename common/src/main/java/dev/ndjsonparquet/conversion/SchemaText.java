package dev.ndjsonparquet.conversion;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the {@code SCHEMA} setting holds, decided one way for the controllers' start-up check and the Spark
 * application: a location of a schema file, Spark's JSON schema inline, or DDL inline. A location is one token (no
 * whitespace) that starts with a URI scheme ({@code s3://}, {@code s3a://}, {@code file:/}) or a path ({@code /},
 * {@code ./}, {@code ../}), or ends in {@code .ddl}, {@code .json} or {@code .schema}; DDL always has a space between
 * a column's name and type, so {@code id BIGINT COMMENT 'see s3://docs'} is DDL, which a search for {@code ://}
 * took for a location. Pure.
 */
public final class SchemaText {

    public enum Kind { DDL, JSON, LOCATION }

    private static final Pattern LOCATION = Pattern.compile(
            "([A-Za-z][A-Za-z0-9+.-]*:/|/|\\./|\\.\\./)\\S*|\\S+\\.(ddl|json|schema)");

    private SchemaText() {
    }

    public static Kind kind(String text) {
        String t = text.strip();
        if (t.startsWith("{")) {
            return Kind.JSON;
        }
        return LOCATION.matcher(t.toLowerCase(Locale.ROOT)).matches() ? Kind.LOCATION : Kind.DDL;
    }

    /** Why the setting cannot be used, checked without Spark: inline DDL must parse and hold only types the engine reads. */
    public static Optional<String> problem(String text) {
        if (text == null || text.isBlank() || kind(text) != Kind.DDL) {
            return Optional.empty();
        }
        try {
            DdlSchema.parse(text);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }
}
