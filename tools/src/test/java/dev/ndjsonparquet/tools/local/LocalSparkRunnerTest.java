package dev.ndjsonparquet.tools.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.controller.dispatch.Labels;
import dev.ndjsonparquet.controller.k8s.ApplicationState;
import dev.ndjsonparquet.controller.k8s.SparkApplication;
import dev.ndjsonparquet.controller.k8s.SparkApplicationSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * spark-operator's part in local runs, against the in-process API: each new SparkApplication runs as a child
 * JVM (here tiny main classes on the test classpath instead of Spark), its states written through the status
 * subresource; a deleted application's JVM is stopped.
 */
class LocalSparkRunnerTest {

    /** Exits with the code given as its first argument, after a line on stdout. */
    public static final class ExitWith {
        public static void main(String[] args) {
            System.out.println("exiting with " + args[0] + " as asked");
            System.exit(Integer.parseInt(args[0]));
        }
    }

    /** Runs until killed. */
    public static final class Forever {
        public static void main(String[] args) throws InterruptedException {
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    static LocalKubernetes kubernetes;

    @TempDir
    Path logs;

    @BeforeAll
    static void start() {
        kubernetes = LocalKubernetes.start();
    }

    @AfterAll
    static void stop() {
        kubernetes.close();
    }

    private SparkApplication create(String name, Class<?> main, String... args) {
        SparkApplication app = new SparkApplication();
        app.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("runner")
                .withLabels(Map.of(Labels.MANIFEST_ID, "m-" + name)).build());
        SparkApplicationSpec spec = new SparkApplicationSpec();
        spec.setType("Java");
        spec.setMode("cluster");
        spec.setMainClass(main.getName());
        spec.setArguments(List.of(args));
        app.setSpec(spec);
        return kubernetes.client().resources(SparkApplication.class).inNamespace("runner").resource(app).create();
    }

    private SparkApplication get(String name) {
        return kubernetes.client().resources(SparkApplication.class).inNamespace("runner").withName(name).get();
    }

    private void await(String name, ApplicationState state) {
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (get(name) == null || get(name).state() != state) {
            assertTrue(System.nanoTime() < until, () -> name + " never reached " + state + "; now " + get(name).getStatus());
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void runsEachApplicationAndReportsHowItEndedAsSparkOperatorWould() throws Exception {
        SparkLaunch launch = new SparkLaunch(SparkLaunch.currentJava(), System.getProperty("java.class.path"), List.of(), 1, "64m");
        try (LocalSparkRunner runner = new LocalSparkRunner(kubernetes.client(), "runner", launch, logs).start()) {
            create("ok", ExitWith.class, "0");
            create("broken", ExitWith.class, "3");
            await("ok", ApplicationState.COMPLETED);
            await("broken", ApplicationState.FAILED);
            SparkApplication broken = get("broken");
            assertTrue(broken.errorMessage().contains("exited with code 3") && broken.errorMessage().contains("exiting with 3 as asked"),
                    broken.errorMessage());
            assertNotNull(broken.getStatus().getTerminationTime());
            assertTrue(Files.readString(logs.resolve("ok-1.log")).contains("exiting with 0"));

            create("endless", Forever.class);
            await("endless", ApplicationState.RUNNING);
            assertEquals(1, runner.running());
            kubernetes.client().resources(SparkApplication.class).inNamespace("runner").withName("endless").delete();
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (runner.running() > 0 && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            assertEquals(0, runner.running(), "the JVM of a deleted application is stopped");

            List<String> ended = new ArrayList<>();
            runner.finished().forEach(f -> ended.add(f.application() + ":" + f.manifestId() + ":" + f.state()));
            ended.sort(null);
            assertEquals(List.of("broken:m-broken:FAILED", "ok:m-ok:COMPLETED"), ended);
        }
    }
}
