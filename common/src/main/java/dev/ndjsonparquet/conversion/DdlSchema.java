package dev.ndjsonparquet.conversion;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A parser for the Spark DDL the conversion engine can read ({@code id BIGINT NOT NULL, ts TIMESTAMP COMMENT 'event
 * time', tags ARRAY<STRING>, attrs MAP<STRING, STRUCT<k: INT>>}), so that the controllers, which have no Spark on
 * their classpath, refuse a bad {@code SCHEMA} at start-up instead of every driver failing on it. It accepts what
 * Spark's {@code StructType.fromDDL} accepts and the engine converts, and builds the same columns (spark-app's
 * DdlSchemaSparkTest holds it to Spark's own parser on the same strings); anything else is a problem with its
 * position: a syntax error, an unknown type, or a type Spark knows but the engine does not read (BINARY,
 * TIMESTAMP_NTZ, INTERVAL, VARIANT, a map with non-string keys...). Pure.
 */
public final class DdlSchema {

    /** A column type. */
    public sealed interface Type permits Primitive, Struct, ArrayOf, MapOf {
    }

    /**
     * An atomic type by its canonical name ({@code string, char, varchar, boolean, byte, short, int, long, float,
     * double, date, timestamp, decimal}); {@code precision} and {@code scale} for decimals (the length for char and
     * varchar), {@code collation} for a collated string.
     */
    public record Primitive(String name, int precision, int scale, String collation) implements Type {
    }

    public record Struct(List<Field> fields) implements Type {
    }

    public record ArrayOf(Type element) implements Type {
    }

    public record MapOf(Type key, Type value) implements Type {
    }

    /** A column or struct field; {@code comment} is null without a COMMENT. */
    public record Field(String name, Type type, boolean nullable, String comment) {
    }

    private static final Map<String, String> ATOMIC = Map.ofEntries(
            Map.entry("boolean", "boolean"), Map.entry("tinyint", "byte"), Map.entry("byte", "byte"),
            Map.entry("smallint", "short"), Map.entry("short", "short"), Map.entry("int", "int"), Map.entry("integer", "int"),
            Map.entry("bigint", "long"), Map.entry("long", "long"), Map.entry("float", "float"), Map.entry("real", "float"),
            Map.entry("double", "double"), Map.entry("date", "date"), Map.entry("timestamp", "timestamp"),
            Map.entry("timestamp_ltz", "timestamp"), Map.entry("string", "string"));
    /** Types Spark's DDL knows that the engine does not convert JSON values into. */
    private static final List<String> NOT_READ = List.of("binary", "timestamp_ntz", "interval", "void", "variant", "time",
            "geometry", "geography", "object");

    private final String text;
    private int pos;

    private DdlSchema(String text) {
        this.text = text;
    }

    /**
     * The columns of a DDL schema.
     *
     * @throws IllegalArgumentException naming the problem and where it is
     */
    public static List<Field> parse(String ddl) {
        DdlSchema p = new DdlSchema(ddl);
        List<Field> fields = new ArrayList<>();
        do {
            fields.add(p.field(false));
        } while (p.accept(","));
        p.skipSpace();
        if (p.pos < ddl.length()) {
            throw p.problem("expected ',' or the end of the schema");
        }
        return fields;
    }

    /** A column ({@code name type}) or, inside STRUCT, a field ({@code name[:] type}), with NOT NULL and COMMENT. */
    private Field field(boolean inStruct) {
        String name = identifier("a column name");
        if (inStruct) {
            accept(":");
        }
        Type type = type();
        boolean nullable = true;
        if (keyword("not")) {
            if (!keyword("null")) {
                throw problem("expected NULL after NOT");
            }
            nullable = false;
        }
        String comment = keyword("comment") ? string() : null;
        return new Field(name, type, nullable, comment);
    }

    private Type type() {
        skipSpace();
        int start = pos;
        String word = word();
        if (word.isEmpty()) {
            throw problem("expected a type");
        }
        String name = word.toLowerCase(Locale.ROOT);
        switch (name) {
            case "struct" -> {
                expect("<");
                List<Field> fields = new ArrayList<>();
                if (!accept(">")) {
                    do {
                        fields.add(field(true));
                    } while (accept(","));
                    expect(">");
                }
                return new Struct(List.copyOf(fields));
            }
            case "array" -> {
                expect("<");
                Type element = type();
                expect(">");
                return new ArrayOf(element);
            }
            case "map" -> {
                expect("<");
                Type key = type();
                expect(",");
                Type value = type();
                expect(">");
                if (!(key instanceof Primitive k && k.name().equals("string"))) {
                    pos = start;
                    throw problem("map keys must be strings: the engine reads JSON objects into maps");
                }
                return new MapOf(key, value);
            }
            case "char", "character", "varchar" -> {
                // Strings of a declared length, which Spark reads (and the engine converts) as strings.
                expect("(");
                int length = integer();
                expect(")");
                return new Primitive(name.equals("varchar") ? "varchar" : "char", length, 0, null);
            }
            case "decimal", "dec", "numeric" -> {
                int precision = 10;
                int scale = 0;
                if (accept("(")) {
                    precision = integer();
                    scale = accept(",") ? integer() : 0;
                    expect(")");
                }
                if (precision > 38 || scale > precision) {
                    pos = start;
                    throw problem("DECIMAL(" + precision + ", " + scale + "): precision must be at most 38 and scale at most the precision");
                }
                return new Primitive("decimal", precision, scale, null);
            }
            default -> {
                String canonical = ATOMIC.get(name);
                if (canonical == null) {
                    pos = start;
                    throw problem(NOT_READ.contains(name) ? "type " + word.toUpperCase(Locale.ROOT) + " is not one the conversion "
                            + "engine reads (strings, numbers, booleans, dates, timestamps, decimals, arrays, maps with string "
                            + "keys and structs)" : "unknown type '" + word + "'");
                }
                String collation = canonical.equals("string") && keyword("collate") ? identifier("a collation name") : null;
                return new Primitive(canonical, 0, 0, collation);
            }
        }
    }

    /** An unquoted identifier (letters, digits, underscores, not only digits) or a back-quoted one. */
    private String identifier(String what) {
        skipSpace();
        if (pos < text.length() && text.charAt(pos) == '`') {
            StringBuilder out = new StringBuilder();
            int i = pos + 1;
            while (i < text.length()) {
                char c = text.charAt(i);
                if (c == '`') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '`') {
                        out.append('`');
                        i += 2;
                        continue;
                    }
                    pos = i + 1;
                    return out.toString();
                }
                out.append(c);
                i++;
            }
            throw problem("unterminated back-quoted name");
        }
        String word = word();
        if (word.isEmpty() || word.chars().allMatch(Character::isDigit)) {
            throw problem("expected " + what);
        }
        return word;
    }

    private String word() {
        int start = pos;
        while (pos < text.length() && (isAsciiLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
            pos++;
        }
        return text.substring(start, pos);
    }

    private static boolean isAsciiLetterOrDigit(char c) {
        return c < 128 && Character.isLetterOrDigit(c);
    }

    private int integer() {
        skipSpace();
        int start = pos;
        while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
            pos++;
        }
        if (start == pos) {
            throw problem("expected a number");
        }
        try {
            return Integer.parseInt(text.substring(start, pos));
        } catch (NumberFormatException e) {
            pos = start;
            throw problem("number too large");
        }
    }

    /** A string literal, single or double quoted, with Spark's backslash escapes. */
    private String string() {
        skipSpace();
        if (pos >= text.length() || (text.charAt(pos) != '\'' && text.charAt(pos) != '"')) {
            throw problem("expected a quoted comment");
        }
        char quote = text.charAt(pos);
        StringBuilder out = new StringBuilder();
        int i = pos + 1;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == quote) {
                if (i + 1 < text.length() && text.charAt(i + 1) == quote) {
                    // A doubled quote stands for one.
                    out.append(quote);
                    i += 2;
                    continue;
                }
                pos = i + 1;
                return out.toString();
            }
            if (c == '\\' && i + 1 < text.length()) {
                i = unescape(i + 1, out);
                continue;
            }
            out.append(c);
            i++;
        }
        throw problem("unterminated string");
    }

    /** Spark's unescapeSQLString for the character after a backslash at {@code i}; returns the next index. */
    private int unescape(int i, StringBuilder out) {
        char c = text.charAt(i);
        if (c == 'u' && i + 4 < text.length() && text.substring(i + 1, i + 5).matches("[0-9a-fA-F]{4}")) {
            out.append((char) Integer.parseInt(text.substring(i + 1, i + 5), 16));
            return i + 5;
        }
        if (i + 2 < text.length() && text.substring(i, i + 3).matches("[0-3][0-7][0-7]")) {
            out.append((char) Integer.parseInt(text.substring(i, i + 3), 8));
            return i + 3;
        }
        out.append(switch (c) {
            case '0' -> "\u0000";
            case 'b' -> "\b";
            case 'n' -> "\n";
            case 'r' -> "\r";
            case 't' -> "\t";
            case 'Z' -> "\u001A";
            case '%' -> "\\%";
            case '_' -> "\\_";
            default -> String.valueOf(c);
        });
        return i + 1;
    }

    /** A keyword (case-insensitive, a whole word); the position moves past it only when it is there. */
    private boolean keyword(String k) {
        skipSpace();
        int end = pos + k.length();
        if (end <= text.length() && text.regionMatches(true, pos, k, 0, k.length())
                && (end == text.length() || !(isAsciiLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_'))) {
            pos = end;
            return true;
        }
        return false;
    }

    private boolean accept(String token) {
        skipSpace();
        if (text.startsWith(token, pos)) {
            pos += token.length();
            return true;
        }
        return false;
    }

    private void expect(String token) {
        if (!accept(token)) {
            throw problem("expected '" + token + "'");
        }
    }

    /** Whitespace and SQL comments ({@code -- to the end of the line} and {@code /* ... *}{@code /}). */
    private void skipSpace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                pos++;
            } else if (text.startsWith("--", pos)) {
                int eol = text.indexOf('\n', pos);
                pos = eol < 0 ? text.length() : eol + 1;
            } else if (text.startsWith("/*", pos)) {
                int end = text.indexOf("*/", pos + 2);
                if (end < 0) {
                    throw problem("unterminated comment");
                }
                pos = end + 2;
            } else {
                return;
            }
        }
    }

    private IllegalArgumentException problem(String what) {
        String near = text.substring(pos, Math.min(text.length(), pos + 20));
        return new IllegalArgumentException("DDL schema, at character " + (pos + 1) + (near.isEmpty() ? " (the end)" : " ('" + near + "')")
                + ": " + what);
    }
}
