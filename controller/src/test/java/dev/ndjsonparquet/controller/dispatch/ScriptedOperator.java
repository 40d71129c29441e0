package dev.ndjsonparquet.controller.dispatch;

import dev.ndjsonparquet.controller.k8s.SparkApplication;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * spark-operator's part, scripted: every application that has no status yet and is not suspended is run
 * to COMPLETED, or to FAILED when its manifest is one that always fails. Polls on its own thread.
 */
final class ScriptedOperator implements AutoCloseable {

    private final Harness h;
    private final Predicate<String> fails;
    private final java.time.Duration runFor;
    private final Thread thread;
    private final Set<String> runs = ConcurrentHashMap.newKeySet();
    private volatile boolean stopped;

    /**
     * @param fails  which manifest ids fail every run
     * @param runFor how long each run stays RUNNING
     */
    ScriptedOperator(Harness h, Predicate<String> fails, java.time.Duration runFor) {
        this.h = h;
        this.fails = fails;
        this.runFor = runFor;
        this.thread = new Thread(this::loop, "scripted-spark-operator");
        thread.setDaemon(true);
        thread.start();
    }

    /** Names of every application this operator ran (each attempt once). */
    Set<String> runs() {
        return runs;
    }

    private void loop() {
        while (!stopped) {
            try {
                for (SparkApplication app : h.applications()) {
                    boolean suspended = Boolean.TRUE.equals(app.getSpec().additionalProperty("suspend"));
                    if (app.getStatus() != null || suspended) {
                        continue;
                    }
                    String name = app.getMetadata().getName();
                    String id = app.getMetadata().getLabels().get(Labels.MANIFEST_ID);
                    runs.add(name + "@" + app.getMetadata().getUid());
                    h.drive(name, "SUBMITTED", "RUNNING");
                    if (!runFor.isZero()) {
                        Thread.sleep(runFor.toMillis()); // the scripted run's length, not an assertion
                    }
                    h.drive(name, fails.test(id) ? "FAILED" : "COMPLETED");
                }
            } catch (RuntimeException e) {
                // an application deleted under our feet: look again
            } catch (InterruptedException e) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
