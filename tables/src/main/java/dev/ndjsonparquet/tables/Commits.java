package dev.ndjsonparquet.tables;

import java.util.concurrent.ThreadLocalRandom;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.CommitFailedException;

/** Metadata changes that another writer may race (a manifest's append, another maintenance run). */
public final class Commits {

    /** Tries of a metadata change before its conflict is reported. */
    public static final int ATTEMPTS = 10;

    private Commits() {
    }

    /** Runs a metadata change, retrying on a refreshed table when another writer committed first. */
    public static void onConflictRetry(Table table, Runnable change) {
        for (int attempt = 1; ; attempt++) {
            try {
                change.run();
                return;
            } catch (CommitFailedException e) {
                if (attempt >= ATTEMPTS) {
                    throw e;
                }
                try {
                    Thread.sleep(ThreadLocalRandom.current().nextLong(50, 100L << Math.min(attempt, 6)));
                } catch (InterruptedException i) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", i);
                }
                table.refresh();
            }
        }
    }
}
