package dev.ndjsonparquet.spark.usage;

import org.apache.spark.SparkConf;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorAdded;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;

/**
 * Feeds Spark's executor events into an {@link ExecutorTimeline}. Registered through {@code spark.extraListeners}
 * ({@link #register}) so that Spark creates it with the context, before any executor registers; the driver reads the
 * one of its context with {@link #current()} when it writes the result record.
 */
public final class ExecutorListener extends SparkListener {

    private static volatile ExecutorListener current;

    private final ExecutorTimeline timeline;

    /** Spark's constructor for {@code spark.extraListeners}. */
    public ExecutorListener(SparkConf conf) {
        this.timeline = new ExecutorTimeline(conf.getInt("spark.executor.instances", 0), System.currentTimeMillis());
        current = this;
    }

    /** {@code spark.extraListeners} with this listener added to what is set already. */
    public static String register(String existing) {
        String me = ExecutorListener.class.getName();
        if (existing == null || existing.isBlank()) {
            return me;
        }
        return existing.contains(me) ? existing : existing + "," + me;
    }

    /** The listener of this JVM's context, or null when none was registered (tests' sessions, the convert command). */
    public static ExecutorTimeline current() {
        ExecutorListener l = current;
        return l == null ? null : l.timeline;
    }

    @Override
    public void onExecutorAdded(SparkListenerExecutorAdded e) {
        timeline.added(e.executorId(), e.time());
    }

    @Override
    public void onExecutorRemoved(SparkListenerExecutorRemoved e) {
        timeline.removed(e.executorId(), e.time());
    }
}
