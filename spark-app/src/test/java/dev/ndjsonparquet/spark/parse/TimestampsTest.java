package dev.ndjsonparquet.spark.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimestampsTest {

    @ParameterizedTest
    @ValueSource(strings = {"2021-07-21T06:00:00Z", "2021-07-21T06:00:00.5Z", "2021-07-21T06:00:00.123456Z",
        "2021-07-21T06:00:00.123456789Z", "1969-12-31T23:59:59.999Z", "2024-02-29T00:00:00Z"})
    void theFastPathAgreesWithJavaTime(String text) {
        long expected = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.parse(text));
        assertEquals(expected, Timestamps.parseUtcFast(text));
        assertEquals(expected, Timestamps.parseMicros(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2021-02-30T00:00:00Z", "2021-13-01T00:00:00Z", "2021-07-21T25:00:00Z", "yesterday",
        "2021-07-21T06:00:00.Z", "2021-07-21"})
    void theFastPathLeavesOtherFormsToJavaTime(String text) {
        assertEquals(Long.MIN_VALUE, Timestamps.parseUtcFast(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2021-07-21", "2024-02-29", "1969-12-31", "0001-01-01", "9999-12-31"})
    void datesAgreeWithJavaTime(String text) {
        assertEquals((int) LocalDate.parse(text).toEpochDay(), Timestamps.parseDays(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2023-02-29", "2021-13-01", "2021-07-2x", "2021/07/21", "２０２１-07-21"})
    void invalidDatesAreNull(String text) {
        assertNull(Timestamps.parseDays(text));
    }

    @Test
    void aTimestampsDayIsItsUtcDate() {
        assertEquals((int) LocalDate.parse("2021-07-20").toEpochDay(), Timestamps.parseDays("2021-07-21T01:00:00+02:00"));
        assertEquals((int) LocalDate.parse("1969-12-31").toEpochDay(), Timestamps.parseDays("1969-12-31T23:59:59.999Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2021-07-21T06:00:00Ｚ", "２021-07-21T06:00:00Z"})
    void nonAsciiDigitsAndLettersAreNotTheFastForm(String text) {
        assertEquals(Long.MIN_VALUE, Timestamps.parseUtcFast(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2021-02-30T00:00:00Z", "not a time", "2021-07-21T06:00:00+25:00"})
    void invalidTimestampsAreNull(String text) {
        assertNull(Timestamps.parseMicros(text));
    }
}
