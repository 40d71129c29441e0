package dev.ndjsonparquet.controller.dispatch;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The operator's part, scripted, for the operator the harness plays ({@link Harness#kind}): every application that has
 * no status yet and is not asked to stop is run to success (kubeflow COMPLETED, Apache Succeeded and released), or to
 * failure when its manifest (and attempt) is one that fails. Polls on its own thread.
 *
 * <p>With a marker store, each run also plays the Spark application's fence (spark-app's {@code AttemptFence},
 * written here from its contract, not from its code): the driver writes {@code attempt-<n, six digits>-<run id>}
 * under {@code <output>/_attempts/<manifestId>/} and fails as superseded (exit code 3) when a marker of a higher
 * attempt is there, whatever the script says.
 */
final class ScriptedOperator implements AutoCloseable {

    /** The outputs of {@link Fixtures#manifest}: {@code s3a://lake/out/}. */
    static final String BUCKET = "lake";
    static final String OUTPUT_PREFIX = "out/";

    private final Harness h;
    private final BiPredicate<String, Integer> fails;
    private final Duration runFor;
    private final S3Client markers;
    private final BiConsumer<String, Integer> beforeRun;
    private final Thread thread;
    private final Set<String> runs = ConcurrentHashMap.newKeySet();
    private final Set<String> superseded = ConcurrentHashMap.newKeySet();
    private volatile boolean stopped;

    /**
     * @param fails  which manifest ids fail every run
     * @param runFor how long each run stays RUNNING
     */
    ScriptedOperator(Harness h, Predicate<String> fails, Duration runFor) {
        this(h, (id, attempt) -> fails.test(id), runFor, null);
    }

    /**
     * @param fails   which (manifest id, attempt) runs fail
     * @param markers where the drivers keep their attempt markers (bucket {@value #BUCKET}), or null for no fence
     */
    ScriptedOperator(Harness h, BiPredicate<String, Integer> fails, Duration runFor, S3Client markers) {
        this(h, fails, runFor, markers, (id, attempt) -> { });
    }

    /** @param beforeRun runs as a driver starts, before it reads the markers (another run writing one meanwhile) */
    ScriptedOperator(Harness h, BiPredicate<String, Integer> fails, Duration runFor, S3Client markers,
                     BiConsumer<String, Integer> beforeRun) {
        this.h = h;
        this.fails = fails;
        this.runFor = runFor;
        this.markers = markers;
        this.beforeRun = beforeRun;
        this.thread = new Thread(this::loop, "scripted-spark-operator");
        thread.setDaemon(true);
        thread.start();
    }

    /** Names of every application this operator ran (each attempt once). */
    Set<String> runs() {
        return runs;
    }

    /** Names of the runs whose driver found itself superseded by a newer attempt's marker. */
    Set<String> superseded() {
        return superseded;
    }

    private void loop() {
        while (!stopped) {
            try {
                for (Run app : h.runs()) {
                    if (!h.fresh(app) || app.stopRequested()) {
                        continue;
                    }
                    String name = app.name();
                    String id = app.manifestId();
                    int attempt = app.attempt();
                    runs.add(name + "@" + app.uid());
                    h.play(name, Harness.Step.SUBMITTED, Harness.Step.RUNNING);
                    beforeRun.accept(id, attempt);
                    int newer = markers == null ? 0 : fence(id, attempt);
                    if (newer > attempt) {
                        superseded.add(name);
                        // What the operator reports of it: the exit code, not the driver's reason.
                        h.fail(name, "driver container failed with ExitCode: 3, Reason: Error");
                        continue;
                    }
                    if (!runFor.isZero()) {
                        Thread.sleep(runFor.toMillis()); // the scripted run's length, not an assertion
                    }
                    h.play(name, fails.test(id, attempt) ? Harness.Step.FAILED : Harness.Step.SUCCEEDED);
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

    /** Writes a marker as a driver of {@code attempt} does when it starts. */
    static void writeMarker(S3Client s3, String manifestId, int attempt) {
        String marker = OUTPUT_PREFIX + "_attempts/" + manifestId + "/" + String.format("attempt-%06d-%s", attempt, UUID.randomUUID());
        s3.putObject(r -> r.bucket(BUCKET).key(marker), RequestBody.fromString("attempt " + attempt + " of " + manifestId));
    }

    /** Writes this run's marker; returns the highest attempt among the markers there before it. */
    private int fence(String manifestId, int attempt) {
        String folder = OUTPUT_PREFIX + "_attempts/" + manifestId + "/";
        int highest = markers.listObjectsV2Paginator(r -> r.bucket(BUCKET).prefix(folder)).contents().stream()
                .map(o -> o.key().substring(folder.length()))
                .filter(n -> n.matches("attempt-\\d{6}-[0-9a-f-]+"))
                .mapToInt(n -> Integer.parseInt(n.substring("attempt-".length(), "attempt-".length() + 6)))
                .max().orElse(0);
        writeMarker(markers, manifestId, attempt);
        return highest;
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
