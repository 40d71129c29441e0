package dev.ndjsonparquet.spark.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.JsonEOFException;
import dev.ndjsonparquet.conversion.SchemaMismatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Turns one NDJSON line into one row of the target schema, or says why the line is a bad record.
 * A line is good only if it is valid UTF-8 holding exactly one JSON object, with no duplicate keys and
 * nothing after it. Values that do not fit the schema are rescued into {@code _rescued_data} (a JSON
 * object keyed by the value's path) or, by setting, make the line a bad record. Never a silent null.
 *
 * <p>Not thread-safe: one instance per task.
 */
public final class JsonRowConverter {

    /** Name of the column that keeps values the schema has no place for. */
    public static final String RESCUED_COLUMN = "_rescued_data";

    public static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(Integer.MAX_VALUE)
                    .maxNumberLength(10_000)
                    .maxNestingDepth(1_000)
                    .build())
            .build();

    private final StructType schema;
    private final ValueConverters.StructConverter root;
    private final SchemaMismatch mismatch;
    private final int extraColumns;
    private final Rescue rescue = new Rescue();
    private String badReason;

    /**
     * @param schema       the data columns (without {@code _rescued_data})
     * @param mismatch     what to do with values that do not fit
     * @param extraColumns columns the caller fills after the rescued-data column (partition values)
     */
    public JsonRowConverter(StructType schema, SchemaMismatch mismatch, int extraColumns) {
        this.schema = schema;
        this.root = new ValueConverters.StructConverter(schema);
        this.mismatch = mismatch;
        this.extraColumns = extraColumns;
    }

    /** The types the converter cannot write, as "path: type" (empty when the schema is fully supported). */
    public static List<String> unsupported(StructType schema) {
        return ValueConverters.unsupported(schema);
    }

    /**
     * Converts the line; returns the row (data columns, {@code _rescued_data}, then {@code extraColumns}
     * empty slots) or null when the line is a bad record, with the reason in {@link #badReason()}.
     */
    public GenericInternalRow convert(byte[] buf, int off, int len) {
        badReason = null;
        int invalid = Utf8.firstInvalid(buf, off, len);
        if (invalid >= 0) {
            return bad("invalid UTF-8 at byte " + (invalid - off) + " of the line");
        }
        rescue.reset(buf, off);
        try (JsonParser p = FACTORY.createParser(buf, off, len)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                return bad(notAnObject(first));
            }
            Object[] values = new Object[schema.size() + 1 + extraColumns];
            root.fill(p, values, rescue, "");
            JsonToken after;
            try {
                after = p.nextToken();
            } catch (JsonParseException e) {
                return bad("trailing content after the JSON object: " + shortMessage(e));
            }
            if (after != null) {
                return bad(after == JsonToken.START_OBJECT || after == JsonToken.START_ARRAY
                        ? "more than one JSON value on the line" : "trailing content after the JSON object");
            }
            if (rescue.used()) {
                if (mismatch == SchemaMismatch.BAD_RECORD) {
                    return bad("schema mismatch: " + rescue.firstProblem());
                }
                values[schema.size()] = UTF8String.fromBytes(rescue.json());
            }
            return new GenericInternalRow(values);
        } catch (JsonEOFException e) {
            return bad("invalid JSON: truncated (" + shortMessage(e) + ")");
        } catch (JsonParseException e) {
            String m = shortMessage(e);
            return bad(m.startsWith("Duplicate field") ? "duplicate key: " + m : "invalid JSON: " + m);
        } catch (IOException e) {
            return bad("invalid JSON: " + e.getMessage());
        }
    }

    public String badReason() {
        return badReason;
    }

    /** Row width: data columns, the rescued-data column and the extra columns. */
    public int width() {
        return schema.size() + 1 + extraColumns;
    }

    private GenericInternalRow bad(String reason) {
        badReason = reason;
        return null;
    }

    private static String notAnObject(JsonToken first) {
        if (first == null) {
            return "not a JSON object: the line holds no JSON value";
        }
        return switch (first) {
            case START_ARRAY -> "not a JSON object: top-level array";
            case VALUE_STRING -> "not a JSON object: top-level string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "not a JSON object: top-level number";
            case VALUE_TRUE, VALUE_FALSE -> "not a JSON object: top-level boolean";
            case VALUE_NULL -> "not a JSON object: top-level null";
            default -> "not a JSON object: starts with " + first;
        };
    }

    private static String shortMessage(JsonParseException e) {
        String m = e.getOriginalMessage();
        int nl = m.indexOf('\n');
        return nl > 0 ? m.substring(0, nl) : m;
    }

    /** Collects rescued values of one line as a JSON object keyed by path. */
    static final class Rescue {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        private JsonGenerator gen;
        private String firstProblem;
        private byte[] lineBuf;
        private int lineOff;

        void reset(byte[] buf, int off) {
            gen = null;
            firstProblem = null;
            lineBuf = buf;
            lineOff = off;
        }

        /**
         * The current string value as UTF-8 bytes straight from the line when it has no escapes (the line
         * was validated as UTF-8 already), sparing a decode and a re-encode; else through the parser. Null when
         * an escape decodes to an unpaired surrogate ({@code "\ud800"}): such a string has no UTF-8 form, and
         * UTF-8 encoding would silently turn it into {@code ?}.
         */
        UTF8String rawString(JsonParser p) throws IOException {
            int start = lineOff + (int) p.currentTokenLocation().getByteOffset() + 1;
            byte[] b = lineBuf;
            int i = start;
            while (i < b.length) {
                byte c = b[i];
                if (c == '"') {
                    return UTF8String.fromBytes(java.util.Arrays.copyOfRange(b, start, i));
                }
                if (c == '\\') {
                    break;
                }
                i++;
            }
            String text = p.getText();
            return hasUnpairedSurrogate(text) ? null : UTF8String.fromString(text);
        }

        private static boolean hasUnpairedSurrogate(String s) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    return true;
                }
            }
            return false;
        }

        boolean used() {
            return gen != null;
        }

        String firstProblem() {
            return firstProblem;
        }

        /** Copies the parser's current value (scalar or whole structure) under the path. */
        void take(JsonParser p, String path, String problem) throws IOException {
            if (gen == null) {
                bytes.reset();
                gen = FACTORY.createGenerator(bytes);
                gen.writeStartObject();
                firstProblem = problem + " at '" + path + "'";
            }
            gen.writeFieldName(path);
            JsonCopy.current(p, gen);
        }

        byte[] json() {
            try {
                gen.writeEndObject();
                gen.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }
    }
}
