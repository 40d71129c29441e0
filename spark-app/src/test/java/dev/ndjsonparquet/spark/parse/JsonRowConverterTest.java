package dev.ndjsonparquet.spark.parse;

import dev.ndjsonparquet.conversion.SchemaMismatch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonRowConverterTest {

    private static final StructType SCHEMA = StructType.fromDDL(
            "id BIGINT, name STRING, ok BOOLEAN, score DOUBLE, n INT, ts TIMESTAMP, price DECIMAL(10,2), "
                    + "tags ARRAY<STRING>, attrs MAP<STRING, BIGINT>, inner STRUCT<a: BIGINT, b: STRING>");

    private final JsonRowConverter converter = new JsonRowConverter(SCHEMA, SchemaMismatch.RESCUE, 0);

    private GenericInternalRow convert(String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        return converter.convert(b, 0, b.length);
    }

    private String rescued(GenericInternalRow row) {
        int i = SCHEMA.size();
        return row.isNullAt(i) ? null : row.getUTF8String(i).toString();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "`{\"id\":1} xyz`|trailing content after the JSON object",
        "`{\"id\":1}{\"id\":2}`|more than one JSON value on the line",
        "`{\"id\":1} [1]`|more than one JSON value on the line",
        "`[1,2,3]`|not a JSON object: top-level array",
        "`\"text\"`|not a JSON object: top-level string",
        "`42`|not a JSON object: top-level number",
        "`null`|not a JSON object: top-level null",
        "`true`|not a JSON object: top-level boolean",
        "`{\"id\":1`|invalid JSON: truncated",
        "`{id:1}`|invalid JSON",
        "`{\"id\":1,\"id\":2}`|duplicate key",
    })
    void badLinesAreNamed(String line, String reason) {
        assertNull(convert(line), line);
        assertTrue(converter.badReason().startsWith(reason), converter.badReason());
    }

    @Test
    void rawControlCharactersInAStringAreInvalidJson() {
        assertNull(convert("{\"name\":\"a\tb\"}"));
        assertTrue(converter.badReason().startsWith("invalid JSON"), converter.badReason());
        GenericInternalRow escaped = convert("{\"name\":\"a\\tb \\\"q\\\" \\u00e9\"}");
        assertEquals("a\tb \"q\" \u00e9", escaped.getUTF8String(1).toString());
    }

    @Test
    void invalidUtf8IsABadRecord() {
        byte[] b = {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        assertNull(converter.convert(b, 0, b.length));
        assertTrue(converter.badReason().startsWith("invalid UTF-8 at byte 9"), converter.badReason());
        byte[] overlong = {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'};
        assertNull(converter.convert(overlong, 0, overlong.length));
        byte[] surrogate = {'{', '"', 'a', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'};
        assertNull(converter.convert(surrogate, 0, surrogate.length));
    }

    @Test
    void convertsEveryTypeOfTheSchema() {
        GenericInternalRow r = convert("{\"id\":9007199254740993,\"name\":\"h\u00e9llo \ud83d\ude00\",\"ok\":true,"
                + "\"score\":1.5,\"n\":7,\"ts\":\"2021-07-21T06:00:01.5Z\",\"price\":12.30,\"tags\":[\"a\",null],"
                + "\"attrs\":{\"x\":1},\"inner\":{\"a\":2,\"b\":\"c\"}}");
        assertNotNull(r, converter.badReason());
        assertEquals(9007199254740993L, r.getLong(0));
        assertEquals("h\u00e9llo \ud83d\ude00", r.getUTF8String(1).toString());
        assertTrue(r.getBoolean(2));
        assertEquals(1.5, r.getDouble(3));
        assertEquals(7, r.getInt(4));
        assertEquals(1626847201500000L, r.getLong(5));
        assertEquals("12.30", r.getDecimal(6, 10, 2).toString());
        assertEquals(2, r.getArray(7).numElements());
        assertTrue(r.getArray(7).isNullAt(1));
        assertEquals(1, r.getMap(8).numElements());
        InternalRow inner = r.getStruct(9, 2);
        assertEquals(2L, inner.getLong(0));
        assertNull(rescued(r));
    }

    @Test
    void typeDriftIsRescuedNeverNulledSilently() {
        GenericInternalRow r = convert("{\"id\":\"abc\",\"n\":3000000000,\"price\":1.234,\"ok\":\"yes\","
                + "\"inner\":{\"a\":\"x\"},\"tags\":[\"a\",{\"b\":1}],\"extra\":{\"k\":[1,2]},\"ts\":\"yesterday\"}");
        assertNotNull(r, converter.badReason());
        assertTrue(r.isNullAt(0));
        assertTrue(r.isNullAt(4));
        String rescued = rescued(r);
        assertEquals("{\"id\":\"abc\",\"n\":3000000000,\"price\":1.234,\"ok\":\"yes\",\"inner.a\":\"x\","
                + "\"extra\":{\"k\":[1,2]},\"ts\":\"yesterday\"}", rescued);
        // A structure in a string column keeps its JSON text: nothing lost, nothing to rescue.
        assertEquals("{\"b\":1}", r.getArray(7).getUTF8String(1).toString());
    }

    @Test
    void scalarsAndStructuresInAStringColumnKeepTheirText() {
        GenericInternalRow r = convert("{\"name\":{\"a\":[1,2]}}");
        assertEquals("{\"a\":[1,2]}", r.getUTF8String(1).toString());
        r = convert("{\"name\":12.50}");
        assertEquals("12.50", r.getUTF8String(1).toString());
    }

    @Test
    void badRecordModeTurnsAMismatchIntoABadRecord() {
        JsonRowConverter strict = new JsonRowConverter(SCHEMA, SchemaMismatch.BAD_RECORD, 0);
        byte[] b = "{\"id\":1,\"n\":\"seven\"}".getBytes(StandardCharsets.UTF_8);
        assertNull(strict.convert(b, 0, b.length));
        assertEquals("schema mismatch: expected int, found string at 'n'", strict.badReason());
    }

    @Test
    void datesAreParsedAndOtherTextIsRescued() {
        JsonRowConverter c = new JsonRowConverter(StructType.fromDDL("d DATE"), SchemaMismatch.RESCUE, 0);
        byte[] ok = "{\"d\":\"2021-07-21\"}".getBytes(StandardCharsets.UTF_8);
        assertEquals(18829, c.convert(ok, 0, ok.length).getInt(0));
        byte[] bad = "{\"d\":\"nope\"}".getBytes(StandardCharsets.UTF_8);
        GenericInternalRow r = c.convert(bad, 0, bad.length);
        assertTrue(r.isNullAt(0));
        assertEquals("{\"d\":\"nope\"}", r.getUTF8String(1).toString());
    }

    @Test
    void unsupportedTypesAreListed() {
        StructType s = StructType.fromDDL("a BINARY, b MAP<INT, STRING>, c STRUCT<d: INTERVAL DAY>");
        assertEquals(3, JsonRowConverter.unsupported(s).size(), JsonRowConverter.unsupported(s).toString());
    }
}
