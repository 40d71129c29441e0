package dev.ndjsonparquet.spark.parse;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.util.ArrayBasedMapData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * One converter per schema node, built once per task: each reads the parser's current value and
 * returns Spark's internal representation, or {@link #MISMATCH} without consuming anything so that
 * the caller can rescue the raw value.
 */
final class ValueConverters {

    /** Returned when the JSON value does not fit the target type. */
    static final Object MISMATCH = new Object();

    private ValueConverters() {
    }

    abstract static class Converter {
        final String typeName;

        Converter(DataType type) {
            this.typeName = type.simpleString();
        }

        abstract Object convert(JsonParser p, JsonToken t, JsonRowConverter.Rescue r, String path) throws IOException;

        /** Why a value of token {@code t} did not fit, for the rescue's first problem and the bad-record reason. */
        String problem(JsonToken t) {
            return "expected " + typeName + ", found " + describe(t);
        }
    }

    static Converter forType(DataType type) {
        if (type instanceof StringType) {
            return new StringConverter(type);
        } else if (type instanceof LongType) {
            return new IntegralConverter(type, Long.MIN_VALUE, Long.MAX_VALUE);
        } else if (type instanceof IntegerType) {
            return new IntegralConverter(type, Integer.MIN_VALUE, Integer.MAX_VALUE);
        } else if (type instanceof ShortType) {
            return new IntegralConverter(type, Short.MIN_VALUE, Short.MAX_VALUE);
        } else if (type instanceof ByteType) {
            return new IntegralConverter(type, Byte.MIN_VALUE, Byte.MAX_VALUE);
        } else if (type instanceof DoubleType || type instanceof FloatType) {
            return new FloatingConverter(type);
        } else if (type instanceof DecimalType d) {
            return new DecimalConverter(d);
        } else if (type instanceof BooleanType) {
            return new BooleanConverter(type);
        } else if (type instanceof TimestampType) {
            return new IsoTextConverter(type, Timestamps::parseMicros);
        } else if (type instanceof DateType) {
            return new IsoTextConverter(type, Timestamps::parseDays);
        } else if (type instanceof StructType s) {
            return new StructConverter(s);
        } else if (type instanceof ArrayType a) {
            return new ArrayConverter(a);
        } else if (type instanceof MapType m && m.keyType() instanceof StringType) {
            return new MapConverter(m);
        }
        throw new IllegalArgumentException("unsupported type " + type.simpleString());
    }

    static List<String> unsupported(StructType schema) {
        List<String> out = new ArrayList<>();
        collectUnsupported(schema, "", out);
        return out;
    }

    private static void collectUnsupported(DataType type, String path, List<String> out) {
        if (type instanceof StructType s) {
            for (StructField f : s.fields()) {
                collectUnsupported(f.dataType(), path.isEmpty() ? f.name() : path + "." + f.name(), out);
            }
        } else if (type instanceof ArrayType a) {
            collectUnsupported(a.elementType(), path + "[]", out);
        } else if (type instanceof MapType m) {
            if (!(m.keyType() instanceof StringType)) {
                out.add(path + ": map keys must be strings, not " + m.keyType().simpleString());
            }
            collectUnsupported(m.valueType(), path + "{}", out);
        } else {
            try {
                forType(type);
            } catch (IllegalArgumentException e) {
                out.add(path + ": " + e.getMessage());
            }
        }
    }

    static String child(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static Object rescueIfMismatch(Object v, JsonParser p, Converter c, JsonToken t,
                                           JsonRowConverter.Rescue r, String path) throws IOException {
        if (v != MISMATCH) {
            return v;
        }
        r.take(p, path, c.problem(t));
        return null;
    }

    private static String describe(JsonToken t) {
        return switch (t) {
            case START_OBJECT -> "object";
            case START_ARRAY -> "array";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT -> "integer";
            case VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            default -> t.name();
        };
    }

    /** A JSON object to a row; unknown fields are rescued under their path. */
    static final class StructConverter extends Converter {
        private final Map<String, Integer> index = new HashMap<>();
        private final SerializedString[] names;
        private final Converter[] fields;
        private final int width;

        StructConverter(StructType type) {
            super(type);
            StructField[] f = type.fields();
            this.fields = new Converter[f.length];
            this.names = new SerializedString[f.length];
            for (int i = 0; i < f.length; i++) {
                index.put(f[i].name(), i);
                names[i] = new SerializedString(f[i].name());
                fields[i] = forType(f[i].dataType());
            }
            this.width = f.length;
        }

        @Override
        Object convert(JsonParser p, JsonToken t, JsonRowConverter.Rescue r, String path) throws IOException {
            if (t != JsonToken.START_OBJECT) {
                return MISMATCH;
            }
            Object[] values = new Object[width];
            fill(p, values, r, path);
            return new GenericInternalRow(values);
        }

        /**
         * Reads the object the parser is at (START_OBJECT) into values[0..width). Records mostly keep the
         * schema's field order, so the next field is first matched against the expected name on the raw
         * bytes (no String, no hashing); only a surprise goes through the name map.
         */
        void fill(JsonParser p, Object[] values, JsonRowConverter.Rescue r, String path) throws IOException {
            int expect = 0;
            while (true) {
                int i;
                if (expect < width && p.nextFieldName(names[expect])) {
                    i = expect;
                } else {
                    if (expect >= width) {
                        p.nextToken();
                    }
                    if (p.currentToken() != JsonToken.FIELD_NAME) {
                        break;
                    }
                    String name = p.currentName();
                    Integer known = index.get(name);
                    if (known == null) {
                        p.nextToken();
                        r.take(p, child(path, name), "unknown field");
                        continue;
                    }
                    i = known;
                }
                expect = i + 1;
                String name = names[i].getValue();
                JsonToken t = p.nextToken();
                if (t == JsonToken.VALUE_NULL) {
                    values[i] = null;
                    continue;
                }
                Converter c = fields[i];
                String childPath = c instanceof StructConverter || c instanceof ArrayConverter || c instanceof MapConverter
                        ? child(path, name) : null;
                Object v = c.convert(p, t, r, childPath);
                values[i] = v == MISMATCH ? rescueIfMismatch(v, p, c, t, r, child(path, name)) : v;
            }
        }
    }

    static final class ArrayConverter extends Converter {
        private final Converter element;

        ArrayConverter(ArrayType type) {
            super(type);
            this.element = forType(type.elementType());
        }

        @Override
        Object convert(JsonParser p, JsonToken t, JsonRowConverter.Rescue r, String path) throws IOException {
            if (t != JsonToken.START_ARRAY) {
                return MISMATCH;
            }
            List<Object> out = new ArrayList<>();
            JsonToken e;
            while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                if (e == JsonToken.VALUE_NULL) {
                    out.add(null);
                    continue;
                }
                String at = path + "[" + out.size() + "]";
                Object v = element.convert(p, e, r, at);
                out.add(v == MISMATCH ? rescueIfMismatch(v, p, element, e, r, at) : v);
            }
            return new GenericArrayData(out.toArray());
        }
    }

    static final class MapConverter extends Converter {
        private final Converter value;

        MapConverter(MapType type) {
            super(type);
            this.value = forType(type.valueType());
        }

        @Override
        Object convert(JsonParser p, JsonToken t, JsonRowConverter.Rescue r, String path) throws IOException {
            if (t != JsonToken.START_OBJECT) {
                return MISMATCH;
            }
            List<Object> keys = new ArrayList<>();
            List<Object> values = new ArrayList<>();
            String name;
            while ((name = p.nextFieldName()) != null) {
                JsonToken vt = p.nextToken();
                keys.add(UTF8String.fromString(name));
                if (vt == JsonToken.VALUE_NULL) {
                    values.add(null);
                    continue;
                }
                String at = child(path, name);
                Object v = value.convert(p, vt, r, at);
                values.add(v == MISMATCH ? rescueIfMismatch(v, p, value, vt, r, at) : v);
            }
            return new ArrayBasedMapData(new GenericArrayData(keys.toArray()), new GenericArrayData(values.toArray()));
        }
    }

    /** Strings keep any scalar's text and any structure's JSON: nothing is lost. */
    static final class StringConverter extends Converter {
        StringConverter(DataType type) {
            super(type);
        }

        @Override
        Object convert(JsonParser p, JsonToken t, JsonRowConverter.Rescue r, String path) throws IOException {
            if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                StringWriter w = new StringWriter();
                try (JsonGenerator g = JsonRowConverter.FACTORY.createGenerator(w)) {
                    JsonCopy.current(p, g);
                }
                return UTF8String.fromString(w.toString());
            }
            if (t != JsonToken.VALUE_STRING) {
                return UTF8String.fromString(p.getText());
            }
            UTF8String s = r.rawString(p);
            return s == null ? MISMATCH : s;
        }

        @Override
        String problem(JsonToken t) {
            return t == JsonToken.VALUE_STRING ? "a string with an unpaired surrogate escape (not UTF-8)" : super.problem(t);
        }
    }

    static final class IntegralConverter extends Converter {
        private final long min;
        private final long max;

        IntegralConverter(DataType type, long min, long max) {
            super(type);
            this.min = min;
            this.max = max;
        }

        @Override
        Object convert(JsonParser p, JsonToken t, JsonRowConverter.Rescue r, String path) throws IOException {
            if (t != JsonToken.VALUE_NUMBER_INT) {
                return MISMATCH;
            }
            JsonParser.NumberType nt = p.getNumberType();
            if (nt == JsonParser.NumberType.BIG_INTEGER) {
                return MISMATCH;
            }
            long v = p.getLongValue();
            if (v < min || v > max) {
                return MISMATCH;
            }
            if (max == Long.MAX_VALUE) {
                return v;
            } else if (max == Integer.MAX_VALUE) {
                return (int) v;
            } else if (max == Short.MAX_VALUE) {
                return (short) v;
            }
            return (byte) v;
        }
    }

    static final class FloatingConverter extends Converter {
        private final boolean single;

        FloatingConverter(DataType type) {
            super(type);
            this.single = type instanceof FloatType;
        }

        @Override
        Object convert(JsonParser p, JsonToken t, JsonRowConverter.Rescue r, String path) throws IOException {
            if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
                return MISMATCH;
            }
            double d = p.getDoubleValue();
            if (Double.isInfinite(d)) {
                return MISMATCH;
            }
            if (!single) {
                return d;
            }
            float f = (float) d;
            return Float.isInfinite(f) ? MISMATCH : (Object) f; // 3.5e38 is a double, not a float: never Infinity
        }
    }

    static final class DecimalConverter extends Converter {
        private final int precision;
        private final int scale;

        DecimalConverter(DecimalType type) {
            super(type);
            this.precision = type.precision();
            this.scale = type.scale();
        }

        @Override
        Object convert(JsonParser p, JsonToken t, JsonRowConverter.Rescue r, String path) throws IOException {
            if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
                return MISMATCH;
            }
            BigDecimal exact;
            try {
                exact = p.getDecimalValue();
            } catch (NumberFormatException e) {
                return MISMATCH; // an exponent beyond an int (1e99999999999): no BigDecimal holds it
            }
            BigDecimal bd = fitting(exact);
            if (bd == null) {
                return MISMATCH; // too large, or would round: keep the exact value in _rescued_data instead
            }
            Decimal d = Decimal.apply(bd);
            return d.changePrecision(precision, scale) ? d : MISMATCH;
        }

        /**
         * The value at this type's scale, or null when it has more integer digits than the type holds or digits below
         * its scale. Decided from precision and scale alone, before any arithmetic: {@code 1e999999999} made Spark's
         * {@code Decimal} overflow (an {@code ArithmeticException} that failed the task, issue 19), and rescaling
         * {@code 1e-999999999} would compute a power of ten with a billion digits.
         */
        private BigDecimal fitting(BigDecimal bd) {
            if (bd.signum() == 0) {
                return BigDecimal.ZERO.setScale(scale);
            }
            long integerDigits = (long) bd.precision() - bd.scale();
            if (integerDigits > precision - scale) {
                return null;
            }
            if (bd.scale() <= scale) {
                return bd.setScale(scale); // exact: appends zeros, at most 'precision' digits
            }
            if ((long) bd.scale() - scale >= bd.precision()) {
                return null; // every digit is below the scale
            }
            try {
                return bd.setScale(scale, RoundingMode.UNNECESSARY);
            } catch (ArithmeticException e) {
                return null; // non-zero digits below the scale
            }
        }
    }

    static final class BooleanConverter extends Converter {
        BooleanConverter(DataType type) {
            super(type);
        }

        @Override
        Object convert(JsonParser p, JsonToken t, JsonRowConverter.Rescue r, String path) {
            if (t == JsonToken.VALUE_TRUE) {
                return Boolean.TRUE;
            }
            return t == JsonToken.VALUE_FALSE ? Boolean.FALSE : MISMATCH;
        }
    }

    /** Timestamps and dates: ISO-8601 strings parsed into Spark's internal value; anything else is a mismatch. */
    static final class IsoTextConverter extends Converter {
        private final java.util.function.Function<String, Object> parse;

        IsoTextConverter(DataType type, java.util.function.Function<String, Object> parse) {
            super(type);
            this.parse = parse;
        }

        @Override
        Object convert(JsonParser p, JsonToken t, JsonRowConverter.Rescue r, String path) throws IOException {
            if (t != JsonToken.VALUE_STRING) {
                return MISMATCH;
            }
            Object v = parse.apply(p.getText());
            return v == null ? MISMATCH : v;
        }
    }
}
