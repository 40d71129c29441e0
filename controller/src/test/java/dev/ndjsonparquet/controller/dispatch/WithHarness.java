package dev.ndjsonparquet.controller.dispatch;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The life-cycle every dispatcher test class shares: one Fabric8 CRUD mock server and one {@link Harness} (ElasticMQ,
 * the CRDs of both operators) per class, fresh queues, namespace and manifest folder per test; a test that plays the
 * Apache operator sets {@link Harness#kind}, and what it left is checked against the Apache CRD. Test classes run one after another, so
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

    /**
     * After a test that played the Apache operator: every application the dispatcher created (with the status the
     * operator wrote) is strict-valid against the vendored CRD. The next test plays kubeflow unless it says otherwise.
     */
    @AfterEach
    void apacheApplicationsValidateAgainstTheCrd() {
        try {
            if (h.kind == OperatorKind.APACHE) {
                for (var app : h.apacheApplications()) {
                    ApacheOperatorTest.CRD.assertValid(client.getKubernetesSerialization().asYaml(app));
                }
            }
        } finally {
            h.kind = OperatorKind.KUBEFLOW;
        }
    }
}
