package dev.ndjsonparquet.controller.dispatch;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The life-cycle every dispatcher test class shares: one Fabric8 CRUD mock server and one {@link Harness} (ElasticMQ,
 * the CRD) per class, fresh queues, namespace and manifest folder per test. Test classes run one after another, so
 * the static fields belong to the class that runs.
 */
@EnableKubernetesMockClient(crud = true)
abstract class WithHarness {

    static KubernetesClient client;
    static Harness h;

    @TempDir
    Path tmp;

    @BeforeAll
    static void servers() {
        h = new Harness(client);
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @BeforeEach
    void fresh() {
        h.fresh(tmp);
    }
}
