package dev.ndjsonparquet.spark.schema;

import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Random DDL schemas for {@link DdlSchemaSparkTest}: nested types, every spelling of the atomic types (some the engine
 * does not read), names that are keywords, start with digits or need back quotes, NOT NULL, comments in either quote
 * with escapes and URIs, mixed case and odd spacing, and now and then a syntax error.
 */
final class RandomDdl {

    private static final List<String> ATOMIC = List.of("STRING", "BOOLEAN", "TINYINT", "BYTE", "SMALLINT", "SHORT", "INT",
            "INTEGER", "BIGINT", "LONG", "FLOAT", "REAL", "DOUBLE", "DATE", "TIMESTAMP", "TIMESTAMP_LTZ", "DECIMAL", "DEC",
            "NUMERIC", "BINARY", "TIMESTAMP_NTZ", "VOID");
    private static final List<String> NAMES = List.of("id", "ts", "payload", "x_1", "_hidden", "date", "select", "map",
            "struct", "comment", "not", "null", "2nd", "a");
    private static final List<String> COMMENTS = List.of("", "event time", "see s3://docs/x and https://a.b/c", "it\\'s",
            "tab\\there", "quote \\\" inside", "unicode \\u00e9", "a -- not a comment", "/* not one either */");
    private static final List<String> SPACES = List.of(" ", " ", " ", "  ", "\n", "\t", " /* c */ ");

    private RandomDdl() {
    }

    static String schema(Random r) {
        StringBuilder out = new StringBuilder();
        int columns = 1 + r.nextInt(4);
        for (int i = 0; i < columns; i++) {
            if (i > 0) {
                out.append(r.nextInt(5) == 0 ? " , " : ",").append(space(r));
            }
            out.append(field(r, 0, false));
        }
        String ddl = out.toString();
        return switch (r.nextInt(25)) {
            case 0 -> ddl + ",";
            case 1 -> ddl.replaceFirst(" ", "");
            case 2 -> ddl.replaceFirst(">", "");
            case 3 -> ddl.replaceFirst("<", " ");
            default -> ddl;
        };
    }

    private static String field(Random r, int depth, boolean inStruct) {
        StringBuilder f = new StringBuilder(name(r));
        f.append(inStruct && r.nextBoolean() ? ":" + (r.nextBoolean() ? "" : " ") : space(r));
        f.append(type(r, depth));
        if (r.nextInt(4) == 0) {
            f.append(space(r)).append(cased(r, "NOT")).append(space(r)).append(cased(r, "NULL"));
        }
        if (r.nextInt(3) == 0) {
            char quote = r.nextBoolean() ? '\'' : '"';
            String text = COMMENTS.get(r.nextInt(COMMENTS.size()));
            if (quote == '"') {
                text = text.replace("\\'", "'");
            } else {
                text = text.replace("\\\"", "\"");
            }
            f.append(space(r)).append(cased(r, "COMMENT")).append(space(r)).append(quote).append(text).append(quote);
        }
        return f.toString();
    }

    private static String type(Random r, int depth) {
        int kind = depth >= 3 ? 0 : r.nextInt(10);
        return switch (kind) {
            case 7 -> cased(r, "ARRAY") + "<" + type(r, depth + 1) + ">";
            case 8 -> cased(r, "MAP") + "<" + (r.nextInt(5) == 0 ? cased(r, "INT") : cased(r, "STRING")) + "," + space(r)
                    + type(r, depth + 1) + ">";
            case 9 -> {
                StringBuilder s = new StringBuilder(cased(r, "STRUCT")).append('<');
                int fields = r.nextInt(4);
                for (int i = 0; i < fields; i++) {
                    s.append(i > 0 ? "," + space(r) : "").append(field(r, depth + 1, true));
                }
                yield s.append('>').toString();
            }
            default -> atomic(r);
        };
    }

    private static String atomic(Random r) {
        String t = ATOMIC.get(r.nextInt(ATOMIC.size()));
        if (t.equals("DECIMAL") || t.equals("DEC") || t.equals("NUMERIC")) {
            int p = r.nextInt(42);
            t += switch (r.nextInt(3)) {
                case 0 -> "";
                case 1 -> "(" + p + ")";
                default -> "(" + p + "," + space(r) + r.nextInt(p + 3) + ")";
            };
        }
        return cased(r, t);
    }

    private static String name(Random r) {
        String n = NAMES.get(r.nextInt(NAMES.size()));
        return switch (r.nextInt(6)) {
            case 0 -> "`" + n + " " + n + "`";
            case 1 -> "`" + n + "``q`";
            default -> n;
        };
    }

    private static String cased(Random r, String keyword) {
        return switch (r.nextInt(3)) {
            case 0 -> keyword.toLowerCase(Locale.ROOT);
            case 1 -> keyword.charAt(0) + keyword.substring(1).toLowerCase(Locale.ROOT);
            default -> keyword;
        };
    }

    private static String space(Random r) {
        return SPACES.get(r.nextInt(SPACES.size()));
    }
}
