package dev.ndjsonparquet.spark.parse;

import dev.ndjsonparquet.conversion.SchemaMismatch;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.arbitraries.StringArbitrary;

/**
 * Fuzzing the line parser and converters with generated lines (jqwik, a fixed seed; tries from
 * {@code jqwik.tries.default}, 600 in CI): JSON objects over the schema's fields and unknown ones, with values at
 * the types' edges (huge and tiny exponents, thousands of digits, special floats, malformed timestamps, escapes and
 * unpaired surrogates, deep and wide structures), and the same lines with bytes inserted, deleted or flipped. For
 * each line neither the fast parser nor the reference converter throws, and both give the same outcome and the same
 * column entries ({@link FastLineParserTest#compareBytes}). A longer run is documented in
 * docs/columnar-write-path.md.
 */
class LineFuzzTest {

    private static final List<String> FIELDS = List.of("s", "l", "i", "sh", "by", "d", "f", "b", "ts", "dt", "dec", "arr",
            "st", "m", "tags", "unknown", "x");

    @Property(seed = "20261207")
    void generatedLinesNeverThrowAndBothParsersAgree(@ForAll("lines") byte[] line) {
        for (SchemaMismatch mode : SchemaMismatch.values()) {
            FastLineParserTest.compareBytes(line, mode, new String(line, StandardCharsets.UTF_8));
        }
    }

    @Provide
    Arbitrary<byte[]> lines() {
        Arbitrary<String> objects = object(3);
        return Arbitraries.frequencyOf(
                Tuple.of(6, objects.map(s -> s.getBytes(StandardCharsets.UTF_8))),
                Tuple.of(3, Combinators.combine(objects, Arbitraries.integers().between(0, 1_000_000),
                        Arbitraries.bytes(), Arbitraries.integers().between(0, 2)).as(LineFuzzTest::mutate)),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(64)));
    }

    /** The line with one byte inserted, deleted or replaced at a position chosen by {@code at}. */
    private static byte[] mutate(String line, int at, byte b, int how) {
        byte[] in = line.getBytes(StandardCharsets.UTF_8);
        int pos = in.length == 0 ? 0 : at % in.length;
        byte[] out;
        switch (how) {
            case 0 -> {
                out = new byte[in.length + 1];
                System.arraycopy(in, 0, out, 0, pos);
                out[pos] = b;
                System.arraycopy(in, pos, out, pos + 1, in.length - pos);
            }
            case 1 -> {
                if (in.length == 0) {
                    return in;
                }
                out = new byte[in.length - 1];
                System.arraycopy(in, 0, out, 0, pos);
                System.arraycopy(in, pos + 1, out, pos, in.length - pos - 1);
            }
            default -> {
                out = in.clone();
                if (out.length > 0) {
                    out[pos] = b;
                }
            }
        }
        return out;
    }

    private static Arbitrary<String> object(int depth) {
        Arbitrary<String> member = Arbitraries.oneOf(
                Combinators.combine(Arbitraries.of(FIELDS), value(depth)).as((name, v) -> "\"" + name + "\":" + v),
                shaped());
        return member.list().ofMaxSize(8).map(m -> "{" + String.join(",", m) + "}");
    }

    /** A field with a value of about its schema type's shape (FastLineParserTest.SCHEMA), so that the typed paths run. */
    private static Arbitrary<String> shaped() {
        Arbitrary<String> struct = Combinators.combine(numbers(), strings().list().ofMaxSize(3))
                .as((a, b) -> "{\"a\":" + a + ",\"b\":[" + String.join(",", b) + "]}");
        Arbitrary<Integer> width = Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.integers().between(0, 40)),
                Tuple.of(1, Arbitraries.integers().between(8_000, 20_000)));
        Arbitrary<String> wideStructs = width.map(n -> {
            StringBuilder sb = new StringBuilder("[");
            for (int k = 0; k < n; k++) {
                sb.append(k == 0 ? "" : ",").append("{\"a\":").append(k).append(",\"b\":[\"x\"]}");
            }
            return sb.append(']').toString();
        });
        Arbitrary<String> mapOf = Combinators.combine(Arbitraries.strings().alpha().ofMaxLength(3), numbers()).as(
                (k, v) -> "\"" + k + "\":" + v).list().ofMaxSize(6).map(e -> "{" + String.join(",", e) + "}");
        return Arbitraries.oneOf(
                Combinators.combine(Arbitraries.of("l", "i", "sh", "by", "d", "f", "dec"), numbers()).as((f, v) -> "\"" + f + "\":" + v),
                Combinators.combine(Arbitraries.of("s", "ts", "dt"), strings()).as((f, v) -> "\"" + f + "\":" + v),
                struct.list().ofMaxSize(4).map(v -> "\"arr\":[" + String.join(",", v) + "]"),
                wideStructs.map(v -> "\"arr\":" + v),
                Combinators.combine(strings(), numbers()).as((x, z) -> "\"st\":{\"x\":" + x + ",\"y\":{\"z\":" + z + "}}"),
                mapOf.map(v -> "\"m\":" + v),
                strings().list().ofMaxSize(5).map(v -> "\"tags\":[" + String.join(",", v) + "]"));
    }

    private static Arbitrary<String> value(int depth) {
        Arbitrary<String> scalar = Arbitraries.oneOf(numbers(), strings(), Arbitraries.of("true", "false", "null"));
        if (depth == 0) {
            return Arbitraries.frequencyOf(Tuple.of(20, scalar),
                    Tuple.of(1, Arbitraries.integers().between(990, 1_010).map(n -> "[".repeat(n) + "]".repeat(n))));
        }
        Arbitrary<String> array = Arbitraries.lazy(() -> value(depth - 1)).list().ofMaxSize(5)
                .map(v -> "[" + String.join(",", v) + "]");
        return Arbitraries.frequencyOf(Tuple.of(10, scalar), Tuple.of(3, array),
                Tuple.of(3, Arbitraries.lazy(() -> object(depth - 1))));
    }

    private static Arbitrary<String> numbers() {
        Arbitrary<Integer> length = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.integers().between(1, 20)),
                Tuple.of(2, Arbitraries.integers().between(300, 420)), Tuple.of(1, Arbitraries.integers().between(9_990, 10_010)));
        Arbitrary<String> integer = Combinators.combine(Arbitraries.of('1', '9'), length).as((d, n) -> d + "0".repeat(n - 1));
        Arbitrary<String> exponent = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just("")), Tuple.of(4, Arbitraries.of(
                "e0", "e2", "e7", "e8", "e37", "e38", "e308", "e309", "E-324", "e-3", "e-400", "e999999999", "e-999999999",
                "E+2147483648", "e99999999999", "e")));
        Arbitrary<String> composed = Combinators.combine(Arbitraries.of("", "-"), integer,
                Arbitraries.of("", "", ".5", ".005", "." + "3".repeat(500), "."), exponent)
                .as((sign, i, frac, e) -> sign + i + frac + e);
        Arbitrary<String> edges = Arbitraries.of("9223372036854775807", "9223372036854775808", "-9223372036854775809",
                "2147483648", "32768", "-129", "1.7976931348623157e308", "3.4028235e38", "3.5e38", "4.9e-324", "-0", "-0.0",
                "NaN", "Infinity", "-Infinity", "01", "+1", ".5", "0e999999999");
        return Arbitraries.frequencyOf(Tuple.of(3, composed), Tuple.of(1, edges));
    }

    private static Arbitrary<String> strings() {
        StringArbitrary plain = Arbitraries.strings().withCharRange(' ', '~').withChars('é', '日', '\u0000', '\t')
                .ofMaxLength(12);
        Arbitrary<String> escapes = Arbitraries.of("\\\"", "\\\\", "\\/", "\\n", "\\u00e9", "\\ud83d\\ude00", "\\ud800",
                "\\udc00", "\\ud800\\u0041", "\\x", "\\u12", "\\");
        Arbitrary<String> times = Arbitraries.of("2026-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z", "2026-02-30",
                "2024-02-29", "+999999999-12-31T23:59:59Z", "2026-01-01T10:00:00+25:00", "2026-01-01 10:00:00",
                "2026-01-01T10:00:00.1234567891Z", "NaN", "Infinity", "1e5", "12.50");
        return Arbitraries.oneOf(plain, escapes, times, Combinators.combine(plain, escapes, plain).as((a, b, c) -> a + b + c))
                .map(s -> "\"" + s + "\"");
    }
}
