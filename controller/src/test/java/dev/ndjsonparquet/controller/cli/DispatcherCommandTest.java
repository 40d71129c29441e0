package dev.ndjsonparquet.controller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.controller.aws.AwsClients;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import picocli.CommandLine;

/** Start-up: every settings problem at once, then every missing dependency at once. */
@EnableKubernetesMockClient(crud = true)
class DispatcherCommandTest {

    static KubernetesClient client;

    private final StringWriter err = new StringWriter();

    private int controller(Map<String, String> env, String... args) {
        return controller(() -> client, env, args);
    }

    private int controller(java.util.function.Supplier<KubernetesClient> kubernetes, Map<String, String> env, String... args) {
        DispatcherCommand command = new DispatcherCommand(env, kubernetes,
                (region, endpoint) -> AwsClients.create("us-east-1", endpoint,
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")),
                        new AwsClients.Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(5))));
        CommandLine cli = new CommandLine(command);
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void everyMissingOrBadSettingIsListedAtOnce() {
        int code = controller(Map.of("MAX_CONCURRENT_RUNS", "0"), "--visibility-timeout-seconds", "many");
        assertEquals(2, code);
        String text = err.toString();
        for (String key : new String[] {"manifest-queue-url", "dead-letter-queue-url", "allowed-inputs", "allowed-manifests",
                "allowed-outputs", "max-concurrent-runs",
                "visibility-timeout-seconds"}) {
            assertTrue(text.contains(key), () -> key + " not listed in:\n" + text);
        }
    }

    @Test
    void aMissingCrdAndUnreachableQueuesAreAllReportedAndTheControllerDoesNotStart() {
        int code = controller(Map.of(
                "MANIFEST_QUEUE_URL", "http://127.0.0.1:1/000000000000/manifests",
                "DEAD_LETTER_QUEUE_URL", "http://127.0.0.1:1/000000000000/dlq",
                "ALLOWED_INPUTS", "s3://landing/in/", "ALLOWED_MANIFESTS", "s3://work/manifests/", "ALLOWED_OUTPUTS", "s3://lake/",
                "AWS_ENDPOINT_URL", "http://127.0.0.1:1"));
        assertEquals(1, code, err::toString);
        String text = err.toString();
        assertTrue(text.contains("3 start-up check(s) failed"), text);
        assertTrue(text.contains("SparkApplication CRD"), text);
        assertTrue(text.contains("manifest-queue-url") && text.contains("dead-letter-queue-url"), text);
    }

    @Test
    void aTemplateThatWouldLetSparkOperatorDeleteApplicationsTooEarlyIsRefused() throws Exception {
        java.nio.file.Path t = java.nio.file.Files.createTempFile("template", ".yaml");
        try (var in = getClass().getResourceAsStream("/spark-application-template.yaml")) {
            java.nio.file.Files.writeString(t, new String(in.readAllBytes()).replace("timeToLiveSeconds: 86400", "timeToLiveSeconds: 60"));
        }
        int code = controller(Map.of(
                "MANIFEST_QUEUE_URL", "http://127.0.0.1:1/q", "DEAD_LETTER_QUEUE_URL", "http://127.0.0.1:1/d",
                "ALLOWED_INPUTS", "s3://landing/in/", "ALLOWED_MANIFESTS", "s3://work/manifests/", "ALLOWED_OUTPUTS", "s3://lake/",
                "SPARK_APPLICATION_TEMPLATE", t.toString()));
        assertEquals(2, code);
        assertTrue(err.toString().contains("timeToLiveSeconds (60)"), err::toString);
    }

    @Test
    void aManifestQueueWithoutARedrivePolicyStopsStartUpAndSaysWhatToSet() {
        org.elasticmq.rest.sqs.SQSRestServer sqs = org.elasticmq.rest.sqs.SQSRestServerBuilder.withInterface("127.0.0.1")
                .withDynamicPort().start();
        try {
            int port = sqs.waitUntilStarted().localAddress().getPort();
            String endpoint = "http://127.0.0.1:" + port;
            // The command closes its client: give it one of its own on the mock server.
            java.util.function.Supplier<KubernetesClient> own = () -> new io.fabric8.kubernetes.client.KubernetesClientBuilder()
                    .withConfig(client.getConfiguration()).build();
            try (KubernetesClient k = own.get()) {
                k.apiextensions().v1().customResourceDefinitions()
                        .load(dev.ndjsonparquet.testsupport.SharedDir.resolve("crds/sparkoperator.k8s.io_sparkapplications.yaml").toFile())
                        .create();
            }
            String manifests;
            String dlq;
            try (AwsClients aws = AwsClients.create("us-east-1", java.net.URI.create(endpoint),
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")), AwsClients.Timeouts.DEFAULT)) {
                manifests = aws.sqs().createQueue(r -> r.queueName("manifests-without-redrive")).queueUrl();
                dlq = aws.sqs().createQueue(r -> r.queueName("dlq")).queueUrl();
            }
            int code = controller(own, Map.of("MANIFEST_QUEUE_URL", manifests, "DEAD_LETTER_QUEUE_URL", dlq,
                    "ALLOWED_INPUTS", "s3://landing/in/", "ALLOWED_MANIFESTS", "s3://work/manifests/", "ALLOWED_OUTPUTS", "s3://lake/",
                    "AWS_ENDPOINT_URL", endpoint));
            assertEquals(1, code, err::toString);
            String text = err.toString();
            assertTrue(text.contains("1 start-up check(s) failed"), text);
            assertTrue(text.contains("manifest-queue-url: queue " + manifests + " has no redrive policy"), text);
            assertTrue(text.contains("RedrivePolicy") && text.contains("redrive-policy-check=warn"), text);
        } finally {
            sqs.stopAndWait();
            // The other tests expect a cluster without the CRD.
            try (KubernetesClient k = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(client.getConfiguration()).build()) {
                k.apiextensions().v1().customResourceDefinitions().withName(dev.ndjsonparquet.controller.k8s.SparkApplication.CRD_NAME).delete();
            }
        }
    }
}
