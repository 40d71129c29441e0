package dev.ndjsonparquet.spark.commit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the attempt check inside Spark's job commit: while a run is entered, the session's commit
 * protocol is replaced by its fenced subclass, whose {@code commitJob} checks the fence of the thread
 * that runs the write (Spark commits a write's job on the thread that started it). The check thus
 * happens right before the files become visible, not minutes earlier when the job started.
 */
public final class FencedCommits {

    static final String PROTOCOL = "spark.sql.sources.commitProtocolClass";
    private static final String SPARK_DEFAULT = "org.apache.spark.sql.execution.datasources.SQLHadoopMapReduceCommitProtocol";
    private static final Map<String, String> FENCED = Map.of(
            SPARK_DEFAULT, FencedSqlCommitProtocol.class.getName(),
            "org.apache.spark.internal.io.cloud.PathOutputCommitProtocol", FencedPathOutputCommitProtocol.class.getName());
    private static final Logger LOG = LoggerFactory.getLogger(FencedCommits.class);
    private static final ThreadLocal<Entered> CURRENT = new ThreadLocal<>();

    /** A run entered on this thread: its fence, what to restore, and what its commits did so far. */
    private static final class Entered {
        final AttemptFence fence;
        final SparkSession spark;
        final String protocolBefore;
        final List<String> committedJobs = new ArrayList<>();
        Checkpoints.Point nextPoint = Checkpoints.Point.DATA_COMMIT;

        Entered(AttemptFence fence, SparkSession spark, String protocolBefore) {
            this.fence = fence;
            this.spark = spark;
            this.protocolBefore = protocolBefore;
        }
    }

    private FencedCommits() {
    }

    /** Fences the job commits of this thread's writes until {@link #leave}. */
    public static void enter(SparkSession spark, AttemptFence fence) {
        leave();
        RuntimeConfig conf = spark.conf();
        String before = conf.contains(PROTOCOL) ? conf.get(PROTOCOL) : null;
        String current = before == null ? SPARK_DEFAULT : before;
        if (FENCED.containsKey(current)) {
            conf.set(PROTOCOL, FENCED.get(current));
        } else if (!FENCED.containsValue(current)) {
            LOG.warn("commit protocol {} has no fenced form: the attempt is checked before and after its writes only",
                    current);
        }
        CURRENT.set(new Entered(fence, spark, before));
    }

    /** Restores the session's commit protocol; does nothing when this thread entered no run. */
    public static void leave() {
        Entered e = CURRENT.get();
        if (e == null) {
            return;
        }
        CURRENT.remove();
        if (e.protocolBefore == null) {
            e.spark.conf().unset(PROTOCOL);
        } else {
            e.spark.conf().set(PROTOCOL, e.protocolBefore);
        }
    }

    /** The point the next job commit of this thread's run reports and checks (the rows' is DATA_COMMIT). */
    public static void nextCommitIs(Checkpoints.Point point) {
        Entered e = CURRENT.get();
        if (e != null) {
            e.nextPoint = point;
        }
    }

    /**
     * The ids of the jobs this thread's run committed, in order. Spark and the columnar writer name every file
     * {@code part-<partition>-<job id>...}: the id tells this run's files from any other run's.
     */
    public static List<String> committedJobs() {
        Entered e = CURRENT.get();
        return e == null ? List.of() : List.copyOf(e.committedJobs);
    }

    /** Called by the fenced protocols at the start of their job commit of job {@code jobId}. */
    static void beforeJobCommit(String jobId) {
        Entered e = CURRENT.get();
        if (e == null) {
            return;
        }
        Checkpoints.Point point = e.nextPoint;
        e.nextPoint = Checkpoints.Point.DATA_COMMIT;
        try {
            e.fence.check(point);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot check the attempt before committing", ex);
        }
        e.committedJobs.add(jobId);
    }
}
