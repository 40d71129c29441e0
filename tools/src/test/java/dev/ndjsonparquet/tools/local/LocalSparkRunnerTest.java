package dev.ndjsonparquet.tools.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.controller.dispatch.ApacheApplications;
import dev.ndjsonparquet.controller.dispatch.ApacheOperator;
import dev.ndjsonparquet.controller.dispatch.ApacheStates;
import dev.ndjsonparquet.controller.dispatch.Labels;
import dev.ndjsonparquet.controller.dispatch.OperatorKind;
import dev.ndjsonparquet.controller.dispatch.Run;
import dev.ndjsonparquet.controller.dispatch.RunState;
import dev.ndjsonparquet.controller.k8s.ApplicationState;
import dev.ndjsonparquet.controller.k8s.SparkApplication;
import dev.ndjsonparquet.controller.k8s.SparkApplicationSpec;
import dev.ndjsonparquet.testsupport.CrdSchemaValidator;
import dev.ndjsonparquet.tools.local.FaultPlan.Fate;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * spark-operator's part in local runs and in the end-to-end tests, against the in-process API: each new
 * SparkApplication runs as a child JVM (here tiny main classes on the test classpath instead of Spark), its states
 * written through the status subresource; a deleted or suspended application's JVM is stopped; reruns follow
 * {@code restartPolicy}; a fault plan loses, sticks or leaves running (zombie) a driver.
 */
class LocalSparkRunnerTest {

    /** Exits with the code given as its first argument, after a line on stdout. */
    public static final class ExitWith {
        public static void main(String[] args) {
            System.out.println("exiting with " + args[0] + " as asked");
            System.exit(Integer.parseInt(args[0]));
        }
    }

    /** Sleeps a little, then exits with the code of the system property {@code exit.code}. */
    public static final class SleepThenExit {
        public static void main(String[] args) throws InterruptedException {
            Thread.sleep(1500);
            System.exit(Integer.getInteger("exit.code", 0));
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
        return create(name, main, null, args);
    }

    private SparkApplication create(String name, Class<?> main, Map<String, Object> restartPolicy, String... args) {
        SparkApplication app = new SparkApplication();
        app.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("runner")
                .withLabels(Map.of(Labels.MANIFEST_ID, "m-" + name)).build());
        SparkApplicationSpec spec = new SparkApplicationSpec();
        spec.setType("Java");
        spec.setMode("cluster");
        spec.setMainClass(main.getName());
        spec.setArguments(List.of(args));
        if (restartPolicy != null) {
            spec.setAdditionalProperty("restartPolicy", restartPolicy);
        }
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

    @Test
    void rerunsAsRestartPolicyAllowsAndPlaysTheFaultPlan() throws Exception {
        SparkLaunch launch = new SparkLaunch(SparkLaunch.currentJava(), System.getProperty("java.class.path"), List.of(), 1, "64m");
        FaultPlan plan = new FaultPlan() {
            @Override
            public Fate fate(SparkApplication app, int attempt, int execution) {
                return switch (app.getMetadata().getName()) {
                    case "lost-once" -> execution == 1 ? Fate.DRIVER_LOST : Fate.RUN;
                    case "zombie" -> execution == 1 ? Fate.ZOMBIE : Fate.RUN;
                    case "stuck" -> Fate.STUCK;
                    default -> Fate.RUN;
                };
            }

            @Override
            public List<String> jvmOptions(Fate fate) {
                return fate == Fate.ZOMBIE ? List.of("-Dexit.code=7") : List.of();
            }
        };
        Map<String, Object> oneRerun = Map.of("type", "OnFailure", "onFailureRetries", 1, "onFailureRetryInterval", 0);
        try (LocalSparkRunner runner = new LocalSparkRunner(kubernetes.client(), "runner", launch, logs, plan).start()) {
            create("lost-once", ExitWith.class, oneRerun, "0");
            create("zombie", SleepThenExit.class, oneRerun);
            create("stuck", ExitWith.class, "0");
            await("lost-once", ApplicationState.COMPLETED);
            await("zombie", ApplicationState.COMPLETED);
            await("stuck", ApplicationState.SUBMITTED);
            kubernetes.client().resources(SparkApplication.class).inNamespace("runner").withName("stuck").edit(a -> {
                a.getSpec().setAdditionalProperty("suspend", true);
                return a;
            });
            await("stuck", ApplicationState.SUSPENDED);
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (runner.zombiesRunning() && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            assertTrue(!runner.zombiesRunning(), "the zombie's JVM ended by itself");
            assertEquals(2, get("lost-once").getStatus().getSubmissionAttempts(), "a rerun: " + get("lost-once").getStatus());

            List<String> ended = new ArrayList<>();
            runner.finished().forEach(f -> ended.add(f.application() + ":" + f.execution() + ":" + f.fate() + ":" + f.state()
                    + ":" + f.exitCode()));
            ended.sort(null);
            // The zombie is reported lost (-1), its rerun converts, and its own JVM's exit (7, its option) comes last.
            assertEquals(List.of("lost-once:1:DRIVER_LOST:FAILED:-1", "lost-once:2:RUN:COMPLETED:0",
                    "zombie:1:ZOMBIE:FAILED:-1", "zombie:1:ZOMBIE:FAILED:7", "zombie:2:RUN:COMPLETED:0"), ended);
            assertTrue(Files.exists(logs.resolve("zombie-1-2.log")), "a rerun's own log");
        }
    }

    // ---- the Apache Spark operator ----------------------------------------------------------------

    static final CrdSchemaValidator APACHE_CRD = CrdSchemaValidator.forSharedCrd("sparkapplications.spark.apache.org-v1.yaml");

    private GenericKubernetesResource createApache(String name, Class<?> main, Map<String, Object> restartConfig, String... args) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("mainClass", main.getName());
        spec.put("driverArgs", List.of(args));
        spec.put("runtimeVersions", Map.of("sparkVersion", "4.2.0"));
        spec.put("sparkConf", Map.of("spark.executor.instances", "1"));
        spec.put("applicationTolerations", Map.of("restartConfig", restartConfig,
                "applicationTimeoutConfig", Map.of("driverStartTimeoutMillis", 600_000)));
        GenericKubernetesResource app = new GenericKubernetesResource();
        app.setApiVersion(ApacheApplications.API_VERSION);
        app.setKind(ApacheApplications.KIND);
        app.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("apache")
                .withLabels(Map.of(Labels.MANIFEST_ID, "m-" + name)).build());
        app.setAdditionalProperty("spec", spec);
        return apache().resource(app).create();
    }

    private static io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<GenericKubernetesResource,
            io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
            io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>> apache() {
        return kubernetes.client().genericKubernetesResources(ApacheApplications.CONTEXT).inNamespace("apache");
    }

    /** The states of the application's history, oldest first, as the dispatcher reads them. */
    @SuppressWarnings("unchecked")
    private static List<String> history(String name) {
        GenericKubernetesResource app = apache().withName(name).get();
        Object status = app == null ? null : app.getAdditionalProperties().get("status"); // absent, or null, before the first state
        Object history = status instanceof Map<?, ?> m ? m.get("stateTransitionHistory") : null;
        return ApacheStates.history(history instanceof Map<?, ?> h ? (Map<String, Object>) h : Map.of());
    }

    private static Run run(String name) {
        GenericKubernetesResource app = apache().withName(name).get();
        return app == null ? null : ApacheOperator.toRun(app);
    }

    private static void awaitApache(String what, java.util.function.BooleanSupplier condition) {
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < until, () -> "never: " + what);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * The Apache operator's part: each new application runs, its {@code currentStateSummary} moves through Apache's
     * states one per look with each added to the history (strict-valid against the vendored CRD), a lost driver is
     * DriverEvicted and rerun as {@code restartConfig} allows, a stuck one stays Submitted, and a delete is the stop:
     * the operator's finalizer keeps the application listed until the runner has stopped its driver, then it is gone.
     */
    @Test
    void playsTheApacheOperatorThroughItsStatesWithTheHistoryAndStopsOnDelete() throws Exception {
        SparkLaunch launch = new SparkLaunch(SparkLaunch.currentJava(), System.getProperty("java.class.path"), List.of(), 1, "64m");
        FaultPlan plan = (app, attempt, execution) -> switch (app.getMetadata().getName()) {
            case "lost-once" -> execution == 1 ? Fate.DRIVER_LOST : Fate.RUN;
            case "stuck" -> Fate.STUCK;
            default -> Fate.RUN;
        };
        Map<String, Object> never = Map.of("restartPolicy", "Never");
        Map<String, Object> oneRestart = Map.of("restartPolicy", "OnFailure", "maxRestartAttempts", 1, "restartBackoffMillis", 0);
        List<String> running = List.of("Submitted", "DriverRequested", "DriverStarted", "DriverReady", "RunningHealthy");
        try (LocalSparkRunner runner = new LocalSparkRunner(OperatorKind.APACHE, kubernetes.client(), "apache", launch, logs, plan).start()) {
            createApache("ok", ExitWith.class, never, "0");
            createApache("broken", ExitWith.class, never, "3");
            createApache("lost-once", ExitWith.class, oneRestart, "0");
            createApache("stuck", ExitWith.class, never, "0");
            awaitApache("ok released", () -> history("ok").contains("ResourceReleased"));
            awaitApache("broken released", () -> history("broken").contains("ResourceReleased"));
            awaitApache("lost-once released", () -> history("lost-once").contains("ResourceReleased"));
            awaitApache("stuck submitted", () -> history("stuck").contains("Submitted"));

            List<String> ok = new ArrayList<>(running);
            ok.addAll(List.of("Succeeded", "ResourceReleased"));
            assertEquals(ok, history("ok"));
            assertEquals(RunState.SUCCEEDED, run("ok").state());
            List<String> broken = new ArrayList<>(running);
            broken.addAll(List.of("Failed", "ResourceReleased"));
            assertEquals(broken, history("broken"));
            Run brokenRun = run("broken");
            assertEquals(RunState.FAILED, brokenRun.state());
            assertTrue(brokenRun.errorMessage().contains("exited with code 3") && brokenRun.errorMessage().contains("exiting with 3 as asked"),
                    brokenRun.errorMessage());
            List<String> rerun = new ArrayList<>(running);
            rerun.addAll(List.of("DriverEvicted", "ScheduledToRestart"));
            rerun.addAll(running);
            rerun.addAll(List.of("Succeeded", "ResourceReleased"));
            assertEquals(rerun, history("lost-once"), "the operator's own restart after a lost driver");
            assertEquals(RunState.SUCCEEDED, run("lost-once").state());
            for (String name : List.of("ok", "broken", "lost-once")) {
                GenericKubernetesResource app = apache().withName(name).get();
                assertEquals(List.of(), APACHE_CRD.validate(YAML.unmarshal(YAML.asJson(app), Map.class)), name + " strict-valid");
                assertEquals(List.of(PlayedApache.FINALIZER), app.getMetadata().getFinalizers(), "the operator's finalizer");
            }

            Thread.sleep(600); // a few looks of the runner: a stuck application stays where it is (not an assertion on time)
            assertEquals(List.of("Submitted"), history("stuck"));
            assertEquals(RunState.PENDING, run("stuck").state());
            createApache("endless", Forever.class, never);
            awaitApache("endless running", () -> history("endless").contains("RunningHealthy"));
            assertEquals(RunState.RUNNING, run("endless").state());
            assertEquals(2, runner.running(), "stuck and endless");
            apache().withName("endless").delete();
            apache().withName("stuck").delete();
            awaitApache("both released and gone", () -> apache().withName("endless").get() == null && apache().withName("stuck").get() == null);
            awaitApache("nothing running", () -> runner.running() == 0);

            List<String> ended = new ArrayList<>();
            runner.finished().forEach(f -> ended.add(f.application() + ":" + f.execution() + ":" + f.fate() + ":" + f.state()
                    + ":" + f.exitCode()));
            ended.sort(null);
            assertEquals(List.of("broken:1:RUN:FAILED:3", "lost-once:1:DRIVER_LOST:FAILED:-1", "lost-once:2:RUN:COMPLETED:0",
                    "ok:1:RUN:COMPLETED:0"), ended);
        }
    }

    private static final KubernetesSerialization YAML = new KubernetesSerialization();
}
