package dev.ndjsonparquet.controller.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.controller.k8s.EventRecorder;
import dev.ndjsonparquet.manifest.ExecutorSizing;
import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.testsupport.CrdSchemaValidator;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class ApacheOperatorTest {

    static final CrdSchemaValidator CRD = CrdSchemaValidator.forSharedCrd("sparkapplications.spark.apache.org-v1.yaml");
    private static final KubernetesSerialization YAML = new KubernetesSerialization();

    KubernetesClient client;

    /** A seed-sized manifest: 100 files of 4 GiB (the scale in ../shared/seed). */
    private final Manifest seed = Fixtures.manifest("s3a://landing/in/", 100, 4 * Fixtures.GIB, "seed");

    private ApacheOperator operator(KubernetesClient c) {
        return new ApacheOperator(c, "jobs", new EventRecorder(c, "jobs", "ndjson-parquet-dispatcher", "test"),
                new SparkApplicationBuilder(ApplicationTemplate.load(null), new ExecutorSizing(16, 1, 40), List.of(), "jobs"),
                Duration.ofMinutes(15));
    }

    private GenericKubernetesResource render(int attempt) {
        return operator(client).build(new SparkApplicationBuilder.Request(seed, "s3://work/manifests/m.json", "msg-1", attempt));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> at(Object o, String... path) {
        Object cur = o;
        for (String p : path) {
            cur = ((Map<String, Object>) cur).get(p);
        }
        return (Map<String, Object>) cur;
    }

    @Test
    void aSeedSizedManifestRendersStrictlyValidWithExecutorsOnSpotAndTheDriverOnDemand() {
        GenericKubernetesResource app = render(2);
        Map<String, Object> tree = YAML.unmarshal(YAML.asJson(app), Map.class);
        assertEquals(List.of(), CRD.validate(tree), "strict against the vendored CRD (" + CRD.version() + ")");
        assertEquals("spark.apache.org/v1", tree.get("apiVersion"));
        assertEquals("np-" + seed.manifestId() + "-2", app.getMetadata().getName());
        assertEquals(seed.manifestId(), app.getMetadata().getLabels().get(Labels.MANIFEST_ID));
        assertEquals("2", app.getMetadata().getAnnotations().get(Labels.ATTEMPT));

        Map<String, Object> spec = at(tree, "spec");
        assertEquals(SparkApplicationBuilder.MAIN_CLASS, spec.get("mainClass"));
        assertEquals("local:///opt/spark/jars/ndjson-parquet-spark-app.jar", spec.get("jars"));
        assertEquals(List.of("--manifest", "s3://work/manifests/m.json", "--attempt", "2"), spec.get("driverArgs"));
        assertEquals("4.2.0", at(spec, "runtimeVersions").get("sparkVersion"));
        assertEquals("ClusterMode", spec.get("deploymentMode"));

        Map<String, Object> conf = at(spec, "sparkConf");
        assertEquals("25", conf.get("spark.executor.instances"), "400 GiB at 16 GiB per executor");
        assertEquals("5", conf.get("spark.executor.cores"));
        assertEquals("14g", conf.get("spark.executor.memory"));
        assertEquals("4g", conf.get("spark.executor.memoryOverhead"));
        assertEquals("1", conf.get("spark.driver.cores"));
        assertEquals("4g", conf.get("spark.driver.memory"));
        assertEquals("registry.invalid/ndjson-parquet/spark:0.1.0", conf.get("spark.kubernetes.container.image"));
        assertEquals("ndjson-parquet-spark-driver", conf.get("spark.kubernetes.authenticate.driver.serviceAccountName"));
        assertEquals("ndjson-parquet-spark-executor", conf.get("spark.kubernetes.authenticate.executor.serviceAccountName"));
        assertEquals("magic", conf.get("spark.hadoop.fs.s3a.committer.name"));
        assertEquals("true", conf.get("spark.decommission.enabled"));
        assertEquals("ndjson_parquet_spark", conf.get("spark.metrics.namespace"));

        Map<String, Object> tolerations = at(spec, "applicationTolerations");
        assertEquals("Never", at(tolerations, "restartConfig").get("restartPolicy"), "the dispatcher owns retries");
        assertEquals(86_400_000, ((Number) tolerations.get("ttlAfterStopMillis")).intValue());
        assertEquals(900_000, ((Number) at(tolerations, "applicationTimeoutConfig").get("driverStartTimeoutMillis")).intValue());

        Map<String, Object> driverPod = at(spec, "driverSpec", "podTemplateSpec");
        Map<String, Object> executorPod = at(spec, "executorSpec", "podTemplateSpec");
        assertEquals(Map.of("eks.amazonaws.com/capacityType", "ON_DEMAND"), at(driverPod, "spec", "nodeSelector"));
        assertEquals(Map.of("eks.amazonaws.com/capacityType", "SPOT"), at(executorPod, "spec", "nodeSelector"));
        assertEquals(seed.manifestId(), at(executorPod, "metadata", "labels").get(Labels.MANIFEST_ID));
        assertEquals(true, at(executorPod, "spec", "securityContext").get("runAsNonRoot"));
        assertEquals(false, at(executorPod, "spec").get("automountServiceAccountToken"));
        assertEquals(90, ((Number) at(executorPod, "spec").get("terminationGracePeriodSeconds")).intValue());
        assertEquals("ndjson-parquet-driver", at(driverPod, "spec").get("priorityClassName"));
    }

    private static GenericKubernetesResource withStatus(GenericKubernetesResource app, String... states) {
        Map<String, Object> history = new LinkedHashMap<>();
        for (int i = 0; i < states.length; i++) {
            history.put(Integer.toString(i), Map.of("currentStateSummary", states[i], "lastTransitionTime", "2026-12-07T12:0" + i + ":00Z"));
        }
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("currentState", history.get(Integer.toString(states.length - 1)));
        status.put("stateTransitionHistory", history);
        app.setAdditionalProperty("status", status);
        return app;
    }

    @Test
    void statesMapOntoTheProjectsWithHowTheAttemptEndedReadFromTheHistory() {
        assertEquals(RunState.PENDING, ApacheStates.stateOf(null, List.of()));
        assertEquals(RunState.PENDING, ApacheStates.stateOf("Submitted", List.of("Submitted")));
        assertEquals(RunState.WAITING, ApacheStates.stateOf("DriverRequested", List.of()));
        assertEquals(RunState.WAITING, ApacheStates.stateOf("InitializedBelowThresholdExecutors", List.of()));
        for (String running : List.of("DriverStarted", "DriverReady", "RunningHealthy", "RunningWithBelowThresholdExecutors",
                "RunningWithPartialCapacity", "SomethingNewer")) {
            assertEquals(RunState.RUNNING, ApacheStates.stateOf(running, List.of()), running);
        }
        assertEquals(RunState.SUCCEEDED, ApacheStates.stateOf("Succeeded", List.of()));
        for (String infra : List.of("DriverStartTimedOut", "ExecutorsStartTimedOut", "SchedulingFailure")) {
            assertEquals(RunState.SUBMISSION_FAILED, ApacheStates.stateOf(infra, List.of()), infra);
        }
        for (String failed : List.of("Failed", "DriverEvicted", "DriverReadyTimedOut")) {
            assertEquals(RunState.FAILED, ApacheStates.stateOf(failed, List.of()), failed);
        }
        assertEquals(RunState.SUCCEEDED, ApacheStates.stateOf("ResourceReleased", List.of("Submitted", "RunningHealthy", "Succeeded", "ResourceReleased")));
        assertEquals(RunState.FAILED, ApacheStates.stateOf("ResourceReleased", List.of("Submitted", "RunningHealthy", "Failed", "ResourceReleased")));
        assertEquals(RunState.SUBMISSION_FAILED, ApacheStates.stateOf("TerminatedWithoutReleaseResources",
                List.of("Submitted", "DriverRequested", "DriverStartTimedOut", "TerminatedWithoutReleaseResources")));

        // Only a run the operator has not stopped needs the dispatcher's stop: after a stopping state it releases the
        // pods by itself, and a stop (a delete on 1.0.0) would take a dead-lettered run's decision with it.
        for (String running : List.of("Submitted", "DriverRequested", "DriverStarted", "RunningHealthy", "ScheduledToRestart")) {
            assertTrue(ApacheStates.mayStillRun(running, ApacheStates.stateOf(running, List.of())), running);
        }
        assertTrue(ApacheStates.mayStillRun("", RunState.PENDING), "no status yet");
        assertFalse(ApacheStates.mayStillRun("Failed", RunState.FAILED), "the operator releases a failed run itself");
        assertFalse(ApacheStates.mayStillRun("DriverStartTimedOut", RunState.SUBMISSION_FAILED));
        assertFalse(ApacheStates.mayStillRun("ResourceReleased", RunState.FAILED));
        assertFalse(ApacheStates.mayStillRun("Succeeded", RunState.SUCCEEDED));
    }

    @Test
    void aRunReadsStateHistoryAndBookkeepingFromTheResource() {
        GenericKubernetesResource app = withStatus(render(1), "Submitted", "DriverRequested", "DriverStarted", "Failed", "ResourceReleased");
        app.getMetadata().setCreationTimestamp("2026-12-07T11:00:00Z");
        Map<String, Object> current = new LinkedHashMap<>(at(app.getAdditionalProperties(), "status", "currentState"));
        current.put("message", "Driver exited with code 3");
        at(app.getAdditionalProperties(), "status").put("currentState", current);
        Run run = ApacheOperator.toRun(app);
        assertEquals(RunState.FAILED, run.state());
        assertEquals("ResourceReleased", run.operatorState());
        assertEquals("Driver exited with code 3", run.errorMessage());
        assertFalse(run.mayStillRun());
        assertFalse(run.stopRequested());
        assertEquals(seed.manifestId(), run.manifestId());
        assertEquals(1, run.attempt());
        assertEquals(java.time.Instant.parse("2026-12-07T12:04:00Z"), run.finishedAt());

        // Released without a message of its own: the reason is the one the stopping state carried.
        Map<String, Object> history = at(app.getAdditionalProperties(), "status", "stateTransitionHistory");
        String failedKey = history.entrySet().stream().filter(e -> "Failed".equals(((Map<?, ?>) e.getValue()).get("currentStateSummary")))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
        Map<String, Object> failed = new LinkedHashMap<>(at(history, failedKey));
        failed.put("message", "Driver exited with code 4");
        history.put(failedKey, failed);
        current.remove("message");
        assertEquals("Driver exited with code 4", ApacheOperator.toRun(app).errorMessage());
    }

    @Test
    void createAdoptAnnotateAndStopOnTheApiServer() {
        ApacheOperator op = operator(client);
        var request = new SparkApplicationBuilder.Request(seed, "s3://work/manifests/m.json", "msg-1", 1);
        SparkOperator.Created first = op.createOrAdopt(request);
        assertFalse(first.adopted());
        SparkOperator.Created again = op.createOrAdopt(request);
        assertTrue(again.adopted(), "a create that already took effect is adopted by name");
        GenericKubernetesResource stored = client.genericKubernetesResources(ApacheApplications.CONTEXT)
                .inNamespace("jobs").withName(first.run().name()).get();
        assertEquals(List.of(), CRD.validate(YAML.unmarshal(YAML.asJson(stored), Map.class)));

        List<Run> listed = op.list();
        assertEquals(1, listed.size());
        assertEquals(RunState.PENDING, listed.get(0).state());
        assertTrue(listed.get(0).holdsSlot());

        Run annotated = op.annotate(first.run().name(), Map.of(Labels.DEAD_LETTER_REASON, "gave up"));
        assertEquals("gave up", annotated.deadLetterReason());
        assertEquals("gave up", op.list().get(0).deadLetterReason());

        op.stop(first.run().name());
        op.stop(first.run().name());
        assertEquals(List.of(), op.list(), "1.0.0 has no suspend: stop deletes");
        assertFalse(op.delete(first.run().name()), "deleting what is gone succeeds");
        assertNull(client.genericKubernetesResources(ApacheApplications.CONTEXT).inNamespace("jobs")
                .withName(first.run().name()).get());
    }
}
