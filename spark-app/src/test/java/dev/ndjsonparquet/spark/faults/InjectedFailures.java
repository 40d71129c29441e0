package dev.ndjsonparquet.spark.faults;

import dev.ndjsonparquet.spark.commit.Checkpoints;
import org.apache.spark.sql.SparkSession;

/** Installs a checkpoints class in a test's session (driver and tasks) and removes it again. */
public final class InjectedFailures {

    private InjectedFailures() {
    }

    /** Runs of this session, their tasks included, use the given checkpoints until {@link #clear}. */
    public static void install(SparkSession spark, Class<? extends Checkpoints> checkpoints) {
        spark.conf().set(Checkpoints.CLASS_SETTING, checkpoints.getName());
    }

    public static void clear(SparkSession spark) {
        spark.conf().unset(Checkpoints.CLASS_SETTING);
    }
}
