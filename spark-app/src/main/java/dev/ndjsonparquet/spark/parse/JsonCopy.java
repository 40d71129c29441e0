package dev.ndjsonparquet.spark.parse;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Copies the parser's current value (a scalar, or a whole object or array) to a generator exactly as it was
 * written: numbers keep their text. Jackson's {@code copyCurrentStructure} re-encodes numbers through their parsed
 * value, which changes them ({@code 1e999999999} became the string {@code "Infinity"}) or fails (an integer beyond a
 * double's range, already read as a double, threw {@code NumberFormatException}: issue 19). Iterative, so nesting
 * costs no stack.
 */
final class JsonCopy {

    private JsonCopy() {
    }

    static void current(JsonParser p, JsonGenerator g) throws IOException {
        int depth = 0;
        JsonToken t = p.currentToken();
        while (true) {
            switch (t) {
                case START_OBJECT -> {
                    g.writeStartObject();
                    depth++;
                }
                case START_ARRAY -> {
                    g.writeStartArray();
                    depth++;
                }
                case END_OBJECT -> {
                    g.writeEndObject();
                    depth--;
                }
                case END_ARRAY -> {
                    g.writeEndArray();
                    depth--;
                }
                case FIELD_NAME -> g.writeFieldName(p.currentName());
                case VALUE_STRING -> g.writeString(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> g.writeNumber(p.getText());
                case VALUE_TRUE -> g.writeBoolean(true);
                case VALUE_FALSE -> g.writeBoolean(false);
                case VALUE_NULL -> g.writeNull();
                default -> throw new IllegalStateException("unexpected JSON token " + t);
            }
            if (depth == 0) {
                return;
            }
            t = p.nextToken();
        }
    }
}
