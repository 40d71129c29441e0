package dev.ndjsonparquet.tools.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ndjsonparquet.controller.dispatch.Labels;
import dev.ndjsonparquet.controller.dispatch.SparkApplicationBuilder;
import dev.ndjsonparquet.controller.k8s.SparkApplication;
import dev.ndjsonparquet.testsupport.SharedDir;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A real Kubernetes API server (k3s in a container, Testcontainers) with spark-operator's upstream CRDs from
 * {@code ../shared/crds/} installed: the real builder and dispatcher run against it (S3 and SQS stay in this JVM)
 * and the SparkApplications they create are checked there, so the API server's own validation against the CRD
 * schema judges them. No spark-operator runs, so no application starts: the dispatcher creates exactly
 * {@code maxConcurrentRuns} of them and waits.
 *
 * <p>Tagged {@code cluster}: not part of the default build (pulling and starting k3s takes minutes); run it with
 * {@code mvn -B -pl controller -am test -Pcluster}. Skipped, with the reason, where no container engine is
 * available (as on the project's CI machine). Everything it checks is also checked without a cluster, by
 * {@link PipelineFaultsIT} and the dispatcher tests against the Fabric8 mock API and the CRD schema.
 */
@Tag("cluster")
class K3sClusterTest {

    private static final String K3S_IMAGE = System.getProperty("ndjsonparquet.k3sImage", "rancher/k3s:v1.34.1-k3s1");

    @Test
    void theDispatcherCreatesValidSparkApplicationsInARealClusterAndNeverMoreThanItsLimit() throws Exception {
        assumeTrue(dockerAvailable(), "skipped: no container engine (Docker) available for Testcontainers k3s; "
                + "this test needs one (see README, End-to-end and cluster tests)");
        try (K3sContainer k3s = new K3sContainer(DockerImageName.parse(K3S_IMAGE))) {
            k3s.start();
            try (KubernetesClient client = new KubernetesClientBuilder()
                    .withConfig(Config.fromKubeconfig(k3s.getKubeConfigYaml())).build()) {
                installCrds(client);
                run(client);
            }
        }
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static void installCrds(KubernetesClient client) throws IOException {
        List<Path> crds;
        try (Stream<Path> s = Files.list(SharedDir.resolve("crds"))) {
            crds = s.filter(p -> p.getFileName().toString().startsWith("sparkoperator.k8s.io_")).sorted().toList();
        }
        for (Path crd : crds) {
            client.apiextensions().v1().customResourceDefinitions().load(crd.toFile()).serverSideApply();
        }
        client.apiextensions().v1().customResourceDefinitions().withName(SparkApplication.CRD_NAME)
                .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions().stream()
                        .anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())), 60, TimeUnit.SECONDS);
    }

    private static void run(KubernetesClient client) {
        int maxConcurrent = 2;
        try (Pipeline pipeline = new Pipeline(new Pipeline.Limits(maxConcurrent, 2, 2, Duration.ofMinutes(10), 30), Set.of(), client)) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(pipeline.namespace).endMetadata().build())
                    .create();
            InputFiles files = new InputFiles(pipeline.servers.s3(), pipeline.landing);
            for (int i = 1; i <= 6; i++) {
                pipeline.sendIngest(files.notification(files.good("events/part-" + i + ".ndjson", 50)));
            }
            pipeline.startBuilder();
            pipeline.startDispatcher();

            Instant end = Instant.now().plus(Duration.ofMinutes(2));
            List<SparkApplication> apps = List.of();
            while (Instant.now().isBefore(end) && apps.size() < maxConcurrent) {
                apps = client.resources(SparkApplication.class).inNamespace(pipeline.namespace).list().getItems();
                Pipeline.sleep(Duration.ofMillis(500));
            }
            Pipeline.sleep(Duration.ofSeconds(5)); // the third manifest must not get an application while two wait
            apps = client.resources(SparkApplication.class).inNamespace(pipeline.namespace).withLabels(Labels.OWNED).list().getItems();
            assertEquals(maxConcurrent, apps.size(), "applications created while none can finish");
            for (SparkApplication app : apps) {
                String id = app.getMetadata().getLabels().get(Labels.MANIFEST_ID);
                assertEquals(Labels.applicationName(id), app.getMetadata().getName());
                assertEquals(SparkApplicationBuilder.MAIN_CLASS, app.getSpec().getMainClass());
                assertEquals(List.of("--manifest", "s3a://" + pipeline.work + "/manifests/" + id + ".json"), app.getSpec().getArguments());
                assertEquals("1", app.getMetadata().getAnnotations().get(Labels.ATTEMPT));
                assertTrue(app.getSpec().getExecutor().getInstances() >= 1);
            }
        }
    }
}
