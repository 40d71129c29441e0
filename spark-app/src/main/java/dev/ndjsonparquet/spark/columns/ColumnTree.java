package dev.ndjsonparquet.spark.columns;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
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

/**
 * The schema as a tree of nodes that know their Parquet definition and repetition levels, so that the
 * parser and the row shredder can put values with their levels straight into column buffers. Built
 * once per task from the Spark schema and the Parquet schema Spark would write for it (leaves in the
 * same order as the Parquet columns; the leaves of a subtree are contiguous).
 */
public final class ColumnTree {

    /** Physical kind of a leaf's values in the column buffer. */
    public enum Kind { BOOLEAN, INT32, INT64, FLOAT, DOUBLE, BINARY, DECIMAL_BINARY }

    /** A node: non-null at {@code defPresent}; its leaves are {@code firstLeaf..lastLeaf} inclusive. */
    public abstract static class Node {
        public final DataType type;
        public final int defPresent;
        public int firstLeaf;
        public int lastLeaf;

        Node(DataType type, int defPresent) {
            this.type = type;
            this.defPresent = defPresent;
        }
    }

    public static final class StructNode extends Node {
        public final Node[] fields;
        public final byte[][] names;
        public final String[] nameStrings;

        StructNode(StructType type, int defPresent, Node[] fields) {
            super(type, defPresent);
            this.fields = fields;
            this.nameStrings = type.fieldNames();
            this.names = new byte[nameStrings.length][];
            for (int i = 0; i < names.length; i++) {
                names[i] = nameStrings[i].getBytes(StandardCharsets.UTF_8);
            }
        }
    }

    /** A list: {@code defPresent} means an empty list; elements repeat at {@code repLevel}. */
    public static final class ListNode extends Node {
        public final Node element;
        public final int repLevel;

        ListNode(ArrayType type, int defPresent, int repLevel, Node element) {
            super(type, defPresent);
            this.element = element;
            this.repLevel = repLevel;
        }
    }

    public static final class MapNode extends Node {
        public final Leaf key;
        public final Node value;
        public final int repLevel;

        MapNode(MapType type, int defPresent, int repLevel, Leaf key, Node value) {
            super(type, defPresent);
            this.key = key;
            this.value = value;
            this.repLevel = repLevel;
        }
    }

    public static final class Leaf extends Node {
        public final Kind kind;
        public final int index;
        public final int maxRep;
        public final String path;

        Leaf(DataType type, int defPresent, Kind kind, int index, int maxRep, String path) {
            super(type, defPresent);
            this.kind = kind;
            this.index = index;
            this.maxRep = maxRep;
            this.path = path;
            this.firstLeaf = index;
            this.lastLeaf = index;
        }
    }

    private final StructNode root;
    private final List<Leaf> leaves;

    private ColumnTree(StructNode root, List<Leaf> leaves) {
        this.root = root;
        this.leaves = List.copyOf(leaves);
    }

    public StructNode root() {
        return root;
    }

    public List<Leaf> leaves() {
        return leaves;
    }

    /** The tree of {@code schema}, whose Parquet form is {@code parquet} (as Spark converts it). */
    public static ColumnTree of(StructType schema, MessageType parquet) {
        List<Leaf> leaves = new ArrayList<>();
        StructNode root = struct(schema, parquet, 0, 0, "", leaves);
        if (leaves.size() != parquet.getColumns().size()) {
            throw new IllegalStateException("schema has " + leaves.size() + " leaves, Parquet " + parquet.getColumns().size());
        }
        return new ColumnTree(root, leaves);
    }

    private static int def(Type t, int parent) {
        return t.isRepetition(Type.Repetition.REQUIRED) ? parent : parent + 1;
    }

    private static StructNode struct(StructType s, GroupType g, int defPresent, int rep, String path, List<Leaf> leaves) {
        StructField[] f = s.fields();
        Node[] nodes = new Node[f.length];
        int first = leaves.size();
        for (int i = 0; i < f.length; i++) {
            Type t = g.getType(i);
            nodes[i] = node(f[i].dataType(), t, def(t, defPresent), rep, path.isEmpty() ? t.getName() : path + "." + t.getName(),
                    leaves);
        }
        StructNode n = new StructNode(s, defPresent, nodes);
        n.firstLeaf = first;
        n.lastLeaf = leaves.size() - 1;
        return n;
    }

    private static Node node(DataType type, Type t, int defPresent, int rep, String path, List<Leaf> leaves) {
        int first = leaves.size();
        Node n;
        if (type instanceof StructType s) {
            return struct(s, t.asGroupType(), defPresent, rep, path, leaves);
        } else if (type instanceof ArrayType a) {
            GroupType repeated = t.asGroupType().getType(0).asGroupType();
            Type element = repeated.getType(0);
            int defRepeated = defPresent + 1;
            Node e = node(a.elementType(), element, def(element, defRepeated), rep + 1, path + "[]", leaves);
            n = new ListNode(a, defPresent, rep + 1, e);
        } else if (type instanceof MapType m) {
            GroupType kv = t.asGroupType().getType(0).asGroupType();
            int defRepeated = defPresent + 1;
            Leaf key = (Leaf) node(m.keyType(), kv.getType(0), def(kv.getType(0), defRepeated), rep + 1, path + "{key}", leaves);
            Node value = node(m.valueType(), kv.getType(1), def(kv.getType(1), defRepeated), rep + 1, path + "{}", leaves);
            n = new MapNode(m, defPresent, rep + 1, key, value);
        } else {
            Leaf leaf = new Leaf(type, defPresent, kindOf(type), leaves.size(), rep, path);
            leaves.add(leaf);
            return leaf;
        }
        n.firstLeaf = first;
        n.lastLeaf = leaves.size() - 1;
        return n;
    }

    static Kind kindOf(DataType type) {
        if (type instanceof StringType) {
            return Kind.BINARY;
        } else if (type instanceof LongType || type instanceof TimestampType) {
            return Kind.INT64;
        } else if (type instanceof IntegerType || type instanceof ShortType || type instanceof ByteType
                || type instanceof DateType) {
            return Kind.INT32;
        } else if (type instanceof DoubleType) {
            return Kind.DOUBLE;
        } else if (type instanceof FloatType) {
            return Kind.FLOAT;
        } else if (type instanceof BooleanType) {
            return Kind.BOOLEAN;
        } else if (type instanceof DecimalType d) {
            return d.precision() <= 9 ? Kind.INT32 : d.precision() <= 18 ? Kind.INT64 : Kind.DECIMAL_BINARY;
        }
        throw new IllegalArgumentException("unsupported type " + type.simpleString());
    }
}
