package dev.ndjsonparquet.tools.local;

import dev.ndjsonparquet.controller.dispatch.ApacheApplications;
import dev.ndjsonparquet.controller.k8s.SparkApplication;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;

/**
 * A Kubernetes API inside the process for local runs: Fabric8's mock server in CRUD mode, bound to
 * 127.0.0.1, serving both operators' SparkApplication kinds (kubeflow's {@code sparkoperator.k8s.io/v1beta2} and
 * Apache's {@code spark.apache.org/v1}, each with its status subresource) and every built-in
 * kind the dispatcher touches (Events). The dispatcher talks to it through an ordinary client, so its code
 * path is the production one; {@link LocalSparkRunner} plays the operator against the same API.
 */
public final class LocalKubernetes implements AutoCloseable {

    static final CustomResourceDefinitionContext SPARK_APPLICATIONS = new CustomResourceDefinitionContext.Builder()
            .withName(SparkApplication.CRD_NAME)
            .withGroup(SparkApplication.GROUP)
            .withVersion(SparkApplication.VERSION)
            .withKind("SparkApplication")
            .withPlural("sparkapplications")
            .withScope("Namespaced")
            .withStatusSubresource(true)
            .build();

    /** The Apache Spark operator's SparkApplication kind ({@code spark.apache.org/v1}), with its status subresource. */
    static final CustomResourceDefinitionContext APACHE_SPARK_APPLICATIONS = new CustomResourceDefinitionContext.Builder()
            .withName(ApacheApplications.CRD_NAME)
            .withGroup(ApacheApplications.GROUP)
            .withVersion(ApacheApplications.VERSION)
            .withKind(ApacheApplications.KIND)
            .withPlural("sparkapplications")
            .withScope("Namespaced")
            .withStatusSubresource(true)
            .build();

    /** The mock server logs every request through java.util.logging; a local run wants warnings only. Kept strongly reachable. */
    private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    static {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    private final KubernetesMockServer server;
    private final KubernetesClient client;

    private LocalKubernetes(KubernetesMockServer server, KubernetesClient client) {
        this.server = server;
        this.client = client;
    }

    public static LocalKubernetes start() {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(List.of(SPARK_APPLICATIONS, APACHE_SPARK_APPLICATIONS)), false);
        try {
            server.init(InetAddress.getByName("127.0.0.1"), 0);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        try {
            return new LocalKubernetes(server, server.createClient());
        } catch (RuntimeException e) {
            server.destroy();
            throw e;
        }
    }

    /** A client of the in-process API; closed with this. */
    public KubernetesClient client() {
        return client;
    }

    @Override
    public void close() {
        try {
            client.close();
        } finally {
            server.destroy();
        }
    }
}
