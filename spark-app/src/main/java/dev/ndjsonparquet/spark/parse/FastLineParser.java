package dev.ndjsonparquet.spark.parse;

import dev.ndjsonparquet.spark.columns.ColumnBatch;
import dev.ndjsonparquet.spark.columns.ColumnTree;
import java.nio.charset.StandardCharsets;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.TimestampType;

/**
 * Parses the common shape of a line straight into column buffers, without allocating: one reusable
 * parser over the line's bytes, field names matched on raw bytes in schema order, numbers and
 * timestamps read from bytes, strings copied once (escapes decoded on the way).
 *
 * <p>It accepts only lines it can convert exactly as {@code JsonRowConverter} would with no rescue: any
 * surprise (invalid JSON, an unknown or duplicate field, a value that does not fit, a map, a decimal, a
 * timestamp in another form, a number too long for the fast conversion) makes {@link #parse} return
 * false, and the caller rolls the row back and converts the line through the reference converter,
 * which decides between a row with {@code _rescued_data} and a bad record. So the semantics stay those
 * of the reference converter by construction; this class only has to be exact on what it accepts.
 *
 * <p>Not thread-safe: one per task. The line must already be valid UTF-8.
 */
public final class FastLineParser {

    private static final double[] POW10 = new double[23];

    static {
        double p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;
            p *= 10;
        }
    }

    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    private final ColumnBatch batch;
    private final PStruct root;
    private final ColumnTree.Node rescued;
    private byte[] b;
    private int pos;
    private int end;

    /**
     * @param batch the buffers; the tree's root holds the data fields then {@code _rescued_data} last
     */
    public FastLineParser(ColumnBatch batch) {
        this.batch = batch;
        ColumnTree.StructNode top = batch.tree().root();
        this.root = new PStruct(top, top.fields.length - 1);
        this.rescued = top.fields[top.fields.length - 1];
    }

    /** Appends the line's values (and a null {@code _rescued_data}); false when the line needs the reference converter. */
    public boolean parse(byte[] buf, int off, int len) {
        b = buf;
        pos = off;
        end = off + len;
        skipWs();
        if (pos >= end || b[pos] != '{') {
            return false;
        }
        pos++;
        if (!struct(root, 0)) {
            return false;
        }
        skipWs();
        if (pos != end) {
            return false;
        }
        batch.nulls(rescued, 0, 0);
        return true;
    }

    private void skipWs() {
        while (pos < end) {
            byte c = b[pos];
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                return;
            }
            pos++;
        }
    }

    /** After the '{': the fields, the '}', then nulls for the fields not seen. */
    private boolean struct(PStruct s, int r) {
        boolean[] seen = s.seen;
        java.util.Arrays.fill(seen, false);
        int n = s.width;
        skipWs();
        if (pos >= end) {
            return false;
        }
        if (b[pos] == '}') {
            pos++;
        } else {
            int expect = 0;
            while (true) {
                if (pos >= end || b[pos] != '"') {
                    return false;
                }
                pos++;
                int i = expect < n && nameIs(s.names[expect]) ? expect : findName(s);
                if (i < 0 || seen[i]) {
                    return false; // unknown field (rescue) or duplicate key (bad record): the reference decides
                }
                seen[i] = true;
                expect = i + 1;
                skipWs();
                if (pos >= end || b[pos] != ':') {
                    return false;
                }
                pos++;
                skipWs();
                if (pos >= end || !value(s.fields[i], r, s.node.defPresent)) {
                    return false;
                }
                skipWs();
                if (pos >= end) {
                    return false;
                }
                byte c = b[pos++];
                if (c == '}') {
                    break;
                }
                if (c != ',') {
                    return false;
                }
                skipWs();
            }
        }
        for (int i = 0; i < n; i++) {
            if (!seen[i]) {
                batch.nulls(s.fields[i].node, r, s.node.defPresent);
            }
        }
        return true;
    }

    /** True (and past the closing quote) when the name at pos is exactly {@code name}. */
    private boolean nameIs(byte[] name) {
        int l = name.length;
        if (pos + l >= end || b[pos + l] != '"') {
            return false;
        }
        for (int k = 0; k < l; k++) {
            if (b[pos + k] != name[k]) {
                return false;
            }
        }
        pos += l + 1;
        return true;
    }

    private int findName(PStruct s) {
        for (int i = 0; i < s.width; i++) {
            if (nameIs(s.names[i])) {
                return i;
            }
        }
        return -1;
    }

    private boolean value(PNode f, int r, int parentDef) {
        byte c = b[pos];
        if (c == 'n') {
            if (!literal("null")) {
                return false;
            }
            batch.nulls(f.node, r, parentDef);
            return true;
        }
        if (f instanceof PStruct s) {
            if (c != '{') {
                return false;
            }
            pos++;
            return struct(s, r);
        }
        if (f instanceof PList l) {
            return c == '[' && list(l, r);
        }
        if (f instanceof PLeaf leaf) {
            return leaf(leaf, r, c);
        }
        return false; // maps go through the reference converter
    }

    private boolean list(PList l, int r) {
        pos++;
        skipWs();
        if (pos >= end) {
            return false;
        }
        ColumnTree.ListNode node = (ColumnTree.ListNode) l.node;
        if (b[pos] == ']') {
            pos++;
            batch.nulls(node, r, node.defPresent);
            return true;
        }
        int er = r;
        while (true) {
            if (!value(l.element, er, node.defPresent + 1)) {
                return false;
            }
            er = node.repLevel;
            skipWs();
            if (pos >= end) {
                return false;
            }
            byte c = b[pos++];
            if (c == ']') {
                return true;
            }
            if (c != ',') {
                return false;
            }
            skipWs();
            if (pos >= end) {
                return false;
            }
        }
    }

    private boolean literal(String word) {
        int l = word.length();
        if (pos + l > end) {
            return false;
        }
        for (int k = 0; k < l; k++) {
            if (b[pos + k] != word.charAt(k)) {
                return false;
            }
        }
        pos += l;
        return true;
    }

    private boolean leaf(PLeaf leaf, int r, byte c) {
        ColumnBatch.LeafBuffer out = batch.leaf(leaf.index);
        switch (leaf.type) {
            case STRING:
                return c == '"' && string(out, r);
            case BOOLEAN:
                if (c == 't' && literal("true")) {
                    out.addLong(r, 1);
                    return true;
                }
                if (c == 'f' && literal("false")) {
                    out.addLong(r, 0);
                    return true;
                }
                return false;
            case LONG:
            case INT:
            case SHORT:
            case BYTE: {
                long v = integer();
                if (v == Long.MIN_VALUE || v < leaf.min || v > leaf.max) {
                    return false;
                }
                out.addLong(r, v);
                return true;
            }
            case DOUBLE:
            case FLOAT: {
                double d = number();
                if (leaf.type == LeafType.FLOAT) {
                    d = (float) d; // beyond a float's range: Infinity, refused below as for a double
                }
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    return false;
                }
                out.addDouble(r, d);
                return true;
            }
            case TIMESTAMP: {
                if (c != '"') {
                    return false;
                }
                int start = pos + 1;
                int close = plainStringEnd(start);
                if (close < 0) {
                    return false;
                }
                long micros = IsoBytes.utcMicros(b, start, close - start);
                if (micros == Long.MIN_VALUE) {
                    return false;
                }
                pos = close + 1;
                out.addLong(r, micros);
                return true;
            }
            case DATE: {
                if (c != '"') {
                    return false;
                }
                int start = pos + 1;
                int close = plainStringEnd(start);
                if (close < 0 || close - start != 10) {
                    return false;
                }
                int days = IsoBytes.isoDate(b, start);
                if (days == Integer.MIN_VALUE) {
                    return false;
                }
                pos = close + 1;
                out.addLong(r, days);
                return true;
            }
            default:
                return false;
        }
    }

    /**
     * Whether any of the eight bytes is {@code "}, {@code \\} or below 0x20 (bytes of multi-byte UTF-8
     * characters, 0x80 and above, are not). May report a false positive after a true one only, which
     * the byte-wise scan that follows sorts out.
     */
    private static boolean special(long v) {
        long quote = v ^ (ONES * '"');
        long backslash = v ^ (ONES * '\\');
        long zeroQuote = (quote - ONES) & ~quote;
        long zeroBackslash = (backslash - ONES) & ~backslash;
        long control = (v - ONES * 0x20) & ~v;
        return ((zeroQuote | zeroBackslash | control) & HIGHS) != 0;
    }

    /** Index of the closing quote of a string without escapes or control characters, or -1. */
    private int plainStringEnd(int from) {
        for (int i = from; i < end; i++) {
            byte c = b[i];
            if (c == '"') {
                return i;
            }
            if (c == '\\' || (c >= 0 && c < 0x20)) {
                return -1;
            }
        }
        return -1;
    }

    /** At the opening quote: the string's bytes (escapes decoded) as the next value. */
    private boolean string(ColumnBatch.LeafBuffer out, int r) {
        int start = pos + 1;
        int i = start;
        // Eight bytes at a time while none is a quote, a backslash or a control character.
        while (i + 8 <= end && !special((long) LONGS.get(b, i))) {
            i += 8;
        }
        while (i < end) {
            byte c = b[i];
            if (c == '"') {
                out.addBytes(r, b, start, i - start);
                pos = i + 1;
                return true;
            }
            if (c == '\\') {
                return escapedString(out, r, start, i);
            }
            if (c >= 0 && c < 0x20) {
                return false;
            }
            i++;
        }
        return false;
    }

    private boolean escapedString(ColumnBatch.LeafBuffer out, int r, int start, int firstEscape) {
        // Decoded text is never longer than the raw text.
        int close = -1;
        for (int i = firstEscape; i < end; i++) {
            if (b[i] == '\\') {
                i++;
            } else if (b[i] == '"') {
                close = i;
                break;
            }
        }
        if (close < 0) {
            return false;
        }
        int at = out.reserve(close - start);
        byte[] a = out.arena();
        int w = at;
        System.arraycopy(b, start, a, w, firstEscape - start);
        w += firstEscape - start;
        int i = firstEscape;
        while (i < close) {
            byte c = b[i];
            if (c != '\\') {
                if (c >= 0 && c < 0x20) {
                    return false;
                }
                a[w++] = c;
                i++;
                continue;
            }
            byte e = b[i + 1];
            i += 2;
            switch (e) {
                case '"' -> a[w++] = '"';
                case '\\' -> a[w++] = '\\';
                case '/' -> a[w++] = '/';
                case 'b' -> a[w++] = '\b';
                case 'f' -> a[w++] = '\f';
                case 'n' -> a[w++] = '\n';
                case 'r' -> a[w++] = '\r';
                case 't' -> a[w++] = '\t';
                case 'u' -> {
                    int cp = hex4(i, close);
                    if (cp < 0) {
                        return false;
                    }
                    i += 4;
                    if (cp >= 0xD800 && cp <= 0xDBFF) {
                        if (i + 6 > close || b[i] != '\\' || b[i + 1] != 'u') {
                            return false; // a lone surrogate: the reference converter decides
                        }
                        int lo = hex4(i + 2, close);
                        if (lo < 0xDC00 || lo > 0xDFFF) {
                            return false;
                        }
                        i += 6;
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                        return false;
                    }
                    w = utf8(a, w, cp);
                }
                default -> {
                    return false;
                }
            }
        }
        out.commitBytes(r, at, w - at);
        pos = close + 1;
        return true;
    }

    private int hex4(int from, int limit) {
        if (from + 4 > limit) {
            return -1;
        }
        int v = 0;
        for (int k = from; k < from + 4; k++) {
            int d = Character.digit(b[k], 16);
            if (d < 0) {
                return -1;
            }
            v = (v << 4) | d;
        }
        return v;
    }

    private static int utf8(byte[] a, int w, int cp) {
        if (cp < 0x80) {
            a[w++] = (byte) cp;
        } else if (cp < 0x800) {
            a[w++] = (byte) (0xC0 | (cp >> 6));
            a[w++] = (byte) (0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            a[w++] = (byte) (0xE0 | (cp >> 12));
            a[w++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
            a[w++] = (byte) (0x80 | (cp & 0x3F));
        } else {
            a[w++] = (byte) (0xF0 | (cp >> 18));
            a[w++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
            a[w++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
            a[w++] = (byte) (0x80 | (cp & 0x3F));
        }
        return w;
    }

    /** A JSON integer token of at most 18 digits; Long.MIN_VALUE for anything else (fractions, exponents, more digits). */
    private long integer() {
        int i = pos;
        boolean neg = false;
        if (i < end && b[i] == '-') {
            neg = true;
            i++;
        }
        int first = i;
        long v = 0;
        while (i < end && b[i] >= '0' && b[i] <= '9') {
            v = v * 10 + (b[i] - '0');
            i++;
        }
        int digits = i - first;
        if (digits == 0 || digits > 18 || (digits > 1 && b[first] == '0')) {
            return Long.MIN_VALUE;
        }
        if (i < end && (b[i] == '.' || b[i] == 'e' || b[i] == 'E')) {
            return Long.MIN_VALUE;
        }
        pos = i;
        return neg ? -v : v;
    }

    /**
     * A JSON number token as a double, as Jackson's {@code getDoubleValue} gives it: integers through
     * {@code long}, decimals correctly rounded (exact fast path for up to 15 significant digits and
     * powers of ten up to 22, else {@link Double#parseDouble}). NaN when the token is not a JSON number
     * or an integer too long for a long.
     */
    private double number() {
        int start = pos;
        int i = pos;
        boolean neg = false;
        if (i < end && b[i] == '-') {
            neg = true;
            i++;
        }
        int intStart = i;
        long m = 0;
        int sig = 0;
        while (i < end && b[i] >= '0' && b[i] <= '9') {
            if (sig < 19) {
                m = m * 10 + (b[i] - '0');
            }
            if (m != 0 || sig > 0) {
                sig++;
            }
            i++;
        }
        int intDigits = i - intStart;
        if (intDigits == 0 || (intDigits > 1 && b[intStart] == '0')) {
            return Double.NaN;
        }
        boolean isFloat = false;
        int fracDigits = 0;
        if (i < end && b[i] == '.') {
            isFloat = true;
            i++;
            int fs = i;
            while (i < end && b[i] >= '0' && b[i] <= '9') {
                if (sig < 19) {
                    m = m * 10 + (b[i] - '0');
                    if (m != 0 || sig > 0) {
                        sig++;
                    }
                    fracDigits++;
                } else {
                    sig++;
                }
                i++;
            }
            if (i == fs) {
                return Double.NaN;
            }
        }
        int exp = 0;
        if (i < end && (b[i] == 'e' || b[i] == 'E')) {
            isFloat = true;
            i++;
            boolean eneg = false;
            if (i < end && (b[i] == '+' || b[i] == '-')) {
                eneg = b[i] == '-';
                i++;
            }
            int es = i;
            while (i < end && b[i] >= '0' && b[i] <= '9') {
                if (exp < 10_000) {
                    exp = exp * 10 + (b[i] - '0');
                }
                i++;
            }
            if (i == es) {
                return Double.NaN;
            }
            exp = eneg ? -exp : exp;
        }
        pos = i;
        if (!isFloat) {
            if (intDigits > 18) {
                return Double.NaN; // beyond long: the reference converter decides
            }
            return (double) (neg ? -m : m); // as Jackson: through the long, so -0 is 0.0
        }
        int e10 = exp - fracDigits;
        if (sig <= 15 && e10 >= -22 && e10 <= 22) {
            double d = (double) m;
            d = e10 < 0 ? d / POW10[-e10] : d * POW10[e10];
            return neg ? -d : d;
        }
        return Double.parseDouble(new String(b, start, i - start, StandardCharsets.ISO_8859_1));
    }

    // The parser's view of the tree.

    private enum LeafType { STRING, BOOLEAN, LONG, INT, SHORT, BYTE, DOUBLE, FLOAT, TIMESTAMP, DATE, OTHER }

    private abstract static class PNode {
        final ColumnTree.Node node;

        PNode(ColumnTree.Node node) {
            this.node = node;
        }

        static PNode of(ColumnTree.Node n) {
            if (n instanceof ColumnTree.StructNode s) {
                return new PStruct(s, s.fields.length);
            } else if (n instanceof ColumnTree.ListNode l) {
                return new PList(l);
            } else if (n instanceof ColumnTree.Leaf leaf) {
                return new PLeaf(leaf);
            }
            return new PMap(n);
        }
    }

    private static final class PStruct extends PNode {
        final int width;
        final PNode[] fields;
        final byte[][] names;
        final boolean[] seen;

        PStruct(ColumnTree.StructNode s, int width) {
            super(s);
            this.width = width;
            this.fields = new PNode[width];
            this.names = new byte[width][];
            for (int i = 0; i < width; i++) {
                fields[i] = PNode.of(s.fields[i]);
                names[i] = s.names[i];
            }
            this.seen = new boolean[width];
        }
    }

    private static final class PList extends PNode {
        final PNode element;

        PList(ColumnTree.ListNode l) {
            super(l);
            this.element = PNode.of(l.element);
        }
    }

    private static final class PMap extends PNode {
        PMap(ColumnTree.Node n) {
            super(n);
        }
    }

    private static final class PLeaf extends PNode {
        final int index;
        final LeafType type;
        final long min;
        final long max;

        PLeaf(ColumnTree.Leaf leaf) {
            super(leaf);
            this.index = leaf.index;
            var t = leaf.type;
            if (t instanceof TimestampType) {
                type = LeafType.TIMESTAMP;
            } else if (t instanceof DateType) {
                type = LeafType.DATE;
            } else if (t instanceof DecimalType) {
                type = LeafType.OTHER;
            } else if (t instanceof IntegerType) {
                type = LeafType.INT;
            } else if (t instanceof ShortType) {
                type = LeafType.SHORT;
            } else if (t instanceof ByteType) {
                type = LeafType.BYTE;
            } else {
                type = switch (leaf.kind) {
                    case BINARY -> LeafType.STRING;
                    case BOOLEAN -> LeafType.BOOLEAN;
                    case INT64 -> LeafType.LONG;
                    case DOUBLE -> LeafType.DOUBLE;
                    case FLOAT -> LeafType.FLOAT;
                    default -> LeafType.OTHER;
                };
            }
            switch (type) {
                case INT -> {
                    min = Integer.MIN_VALUE;
                    max = Integer.MAX_VALUE;
                }
                case SHORT -> {
                    min = Short.MIN_VALUE;
                    max = Short.MAX_VALUE;
                }
                case BYTE -> {
                    min = Byte.MIN_VALUE;
                    max = Byte.MAX_VALUE;
                }
                default -> {
                    min = Long.MIN_VALUE + 1;
                    max = Long.MAX_VALUE;
                }
            }
        }
    }
}
