package dev.ndjsonparquet.spark.usage;

import dev.ndjsonparquet.capacity.CapacityType;
import dev.ndjsonparquet.spark.output.ConversionResult;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * When this driver's executors registered and left, as Spark's own events say ({@link ExecutorListener}), from the
 * start of its SparkContext: what the result record's {@link ConversionResult.Capacity} says. The wait is the time in
 * which fewer executors were registered than the application asked for ({@code spark.executor.instances}, requested
 * when the context starts, and again after each loss): a spot shortage stretches it from seconds (pods starting) to
 * as long as the nodes take. Executor-seconds count from each executor's registration to its removal (or the
 * record), and split by the capacity type of each executor's node when the caller knows them
 * ({@link ExecutorCapacityTypes}). Spark's local mode (its one executor is the driver) has neither. Pure; thread-safe (Spark's listener bus
 * writes, the driver's main thread reads).
 */
public final class ExecutorTimeline {

    private final int requested;
    private final long startMillis;
    /** Executor id: registration and removal (-1 while registered), in epoch milliseconds. */
    private final Map<String, long[]> executors = new LinkedHashMap<>();

    /**
     * @param requested   the executors the application asks for (0: none, e.g. local mode)
     * @param startMillis when the context started (executors are requested then)
     */
    public ExecutorTimeline(int requested, long startMillis) {
        this.requested = Math.max(0, requested);
        this.startMillis = startMillis;
    }

    public synchronized void added(String id, long at) {
        if (!"driver".equals(id)) {
            executors.putIfAbsent(id, new long[] {at, -1});
        }
    }

    public synchronized void removed(String id, long at) {
        long[] e = executors.get(id);
        if (e != null && e[1] < 0) {
            e[1] = at;
        }
    }

    /** The figures up to {@code at} (the result record's writing), without the split by capacity type. */
    public ConversionResult.Capacity at(long at) {
        return at(at, null);
    }

    /**
     * The figures up to {@code at}, with the executor-seconds split by the capacity type of each executor's node
     * ({@code types}: executor id to type; an executor not in it counts as unknown). Null {@code types}: no split.
     */
    public synchronized ConversionResult.Capacity at(long at, Map<String, CapacityType> types) {
        List<long[]> changes = new ArrayList<>(); // time, +1 or -1
        long executorMillis = 0;
        Map<CapacityType, Long> byType = new EnumMap<>(CapacityType.class);
        for (Map.Entry<String, long[]> x : executors.entrySet()) {
            long[] e = x.getValue();
            long end = e[1] < 0 || e[1] > at ? at : e[1];
            if (e[0] < at) {
                executorMillis += end - e[0];
                CapacityType type = types == null ? CapacityType.UNKNOWN : types.getOrDefault(x.getKey(), CapacityType.UNKNOWN);
                byType.merge(type, end - e[0], Long::sum);
                changes.add(new long[] {Math.max(e[0], startMillis), 1});
                if (end < at) {
                    changes.add(new long[] {Math.max(end, startMillis), -1});
                }
            }
        }
        changes.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(b[1], a[1]));
        long shortMillis = 0;
        int registered = 0;
        long since = startMillis;
        for (long[] c : changes) {
            if (registered < requested) {
                shortMillis += Math.max(0, c[0] - since);
            }
            since = Math.max(since, c[0]);
            registered += (int) c[1];
        }
        if (registered < requested && at > since) {
            shortMillis += at - since;
        }
        ConversionResult.ByCapacityType split = types == null ? null : new ConversionResult.ByCapacityType(
                byType.getOrDefault(CapacityType.SPOT, 0L) / 1000.0, byType.getOrDefault(CapacityType.ON_DEMAND, 0L) / 1000.0,
                byType.getOrDefault(CapacityType.UNKNOWN, 0L) / 1000.0);
        return new ConversionResult.Capacity(requested, executors.size(), shortMillis / 1000.0, executorMillis / 1000.0, split);
    }
}
