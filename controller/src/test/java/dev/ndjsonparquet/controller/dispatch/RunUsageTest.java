package dev.ndjsonparquet.controller.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ndjsonparquet.controller.k8s.RoleSpec;
import dev.ndjsonparquet.controller.k8s.SparkApplication;
import dev.ndjsonparquet.controller.k8s.SparkApplicationSpec;
import dev.ndjsonparquet.controller.k8s.SparkApplicationStatus;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunUsageTest {

    private static SparkApplication app(int instances, int cores, String submitted, String terminated, String startedAt) {
        SparkApplication app = new SparkApplication();
        ObjectMeta meta = new ObjectMeta();
        meta.setName("np-m-1");
        if (startedAt != null) {
            meta.setAnnotations(Map.of(Labels.STARTED_AT, startedAt));
        }
        app.setMetadata(meta);
        SparkApplicationSpec spec = new SparkApplicationSpec();
        RoleSpec executor = new RoleSpec();
        executor.setInstances(instances);
        executor.setAdditionalProperty("cores", cores);
        spec.setExecutor(executor);
        app.setSpec(spec);
        SparkApplicationStatus status = new SparkApplicationStatus();
        status.setLastSubmissionAttemptTime(submitted);
        status.setTerminationTime(terminated);
        app.setStatus(status);
        return app;
    }

    @Test
    void executorsTimesCoresTimesSubmissionToTermination() {
        RunUsage u = RunUsage.of(app(3, 4, "2026-11-30T10:00:00Z", "2026-11-30T10:10:00Z", "2026-11-30T09:58:00Z"),
                Instant.parse("2026-11-30T11:00:00Z"), 0.02);
        assertEquals(3 * 4 * 600.0, u.executorCoreSeconds(), 1e-9);
        assertEquals(3 * 4 * 600.0 / 3600 * 0.02, u.costUsd(), 1e-12);
    }

    @Test
    void withoutTheOperatorsTimesTheAttemptsStartAndNow() {
        RunUsage u = RunUsage.of(app(2, 5, null, null, "2026-11-30T10:00:00Z"), Instant.parse("2026-11-30T10:01:00Z"), 0.36);
        assertEquals(2 * 5 * 60.0, u.executorCoreSeconds(), 1e-9);
        assertEquals(0.06, u.costUsd(), 1e-12);
    }
}
