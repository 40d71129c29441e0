package dev.ndjsonparquet.spark.usage;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * The executors' run time of the tasks that end while it listens (Spark's own task metrics), for the
 * usage in a manifest's result record. Spark delivers listener events asynchronously: a task that ended
 * just before {@link #close()} may be missing, so this is an estimate (its use is cost reporting).
 */
public final class TaskTime extends SparkListener implements AutoCloseable {

    private final SparkContext context;
    private final AtomicLong millis = new AtomicLong();

    private TaskTime(SparkContext context) {
        this.context = context;
    }

    public static TaskTime listen(SparkContext context) {
        TaskTime t = new TaskTime(context);
        context.addSparkListener(t);
        return t;
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.taskMetrics() != null) {
            millis.addAndGet(end.taskMetrics().executorRunTime());
        }
    }

    public long millis() {
        return millis.get();
    }

    @Override
    public void close() {
        context.removeSparkListener(this);
    }
}
