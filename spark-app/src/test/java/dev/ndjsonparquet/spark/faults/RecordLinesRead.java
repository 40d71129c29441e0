package dev.ndjsonparquet.spark.faults;

import dev.ndjsonparquet.spark.commit.Checkpoints;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records how many non-blank lines each split's task read (the highest line number reported), in a static map: the
 * tasks of Spark's local mode run in the test's JVM. Named by {@link Checkpoints#CLASS_SETTING}.
 */
public final class RecordLinesRead implements Checkpoints {

    private static final Map<Integer, Long> LINES = new ConcurrentHashMap<>();

    @Override
    public void reached(Point point, int attempt) {
    }

    @Override
    public void lineRead(int splitIndex, long nonBlankLine) {
        LINES.merge(splitIndex, nonBlankLine, Math::max);
    }

    /** Lines read by the task of each split since {@link #clear}. */
    public static Map<Integer, Long> bySplit() {
        return Map.copyOf(LINES);
    }

    public static void clear() {
        LINES.clear();
    }
}
