package dev.ndjsonparquet.controller.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The redrive-policy start-up check against ElasticMQ queues with and without a policy. */
class RedrivePolicyCheckTest {

    static SQSRestServer server;
    static AwsClients aws;
    static String withPolicy;
    static String without;

    @BeforeAll
    static void queues() {
        server = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
        int port = server.waitUntilStarted().localAddress().getPort();
        aws = AwsClients.create("us-east-1", URI.create("http://127.0.0.1:" + port),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")), AwsClients.Timeouts.DEFAULT);
        SqsClient sqs = aws.sqs();
        String dlq = sqs.createQueue(r -> r.queueName("dlq")).queueUrl();
        String arn = sqs.getQueueAttributes(r -> r.queueUrl(dlq).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        withPolicy = sqs.createQueue(r -> r.queueName("manifests").attributes(Map.of(QueueAttributeName.REDRIVE_POLICY,
                "{\"maxReceiveCount\":\"5\",\"deadLetterTargetArn\":\"" + arn + "\"}"))).queueUrl();
        without = sqs.createQueue(r -> r.queueName("ingest")).queueUrl();
    }

    @AfterAll
    static void stop() {
        aws.close();
        server.stopAndWait();
    }

    @Test
    void aQueueWithoutARedrivePolicyStopsStartUpAndTheProblemSaysWhatToSet() {
        List<String> problems = RedrivePolicyCheck.check(aws.sqs(), RedrivePolicyCheck.Mode.REFUSE,
                Map.of("ingest-queue-url", without, "manifest-queue-url", withPolicy));
        assertEquals(1, problems.size(), problems::toString);
        String p = problems.get(0);
        assertTrue(p.startsWith("ingest-queue-url: queue " + without + " has no redrive policy"), p);
        assertTrue(p.contains("RedrivePolicy") && p.contains("deadLetterTargetArn") && p.contains("maxReceiveCount"), p);
        assertTrue(p.contains("redrive-policy-check=warn"), p);
    }

    @Test
    void inWarnModeStartUpGoesOn() {
        assertEquals(List.of(), RedrivePolicyCheck.check(aws.sqs(), RedrivePolicyCheck.Mode.WARN, Map.of("ingest-queue-url", without)));
    }

    @Test
    void queuesWithAPolicyAndUnreachableOnesAreNotReportedHere() {
        assertEquals(List.of(), RedrivePolicyCheck.check(aws.sqs(), RedrivePolicyCheck.Mode.REFUSE,
                Map.of("manifest-queue-url", withPolicy, "other", withPolicy.replace("manifests", "missing"))));
    }

    @Test
    void aPolicyWithoutATargetOrACountIsNotUsable() {
        assertTrue(RedrivePolicyCheck.problem("{\"maxReceiveCount\":\"5\"}").orElseThrow().contains("deadLetterTargetArn"));
        assertTrue(RedrivePolicyCheck.problem("{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:1:d\",\"maxReceiveCount\":0}")
                .orElseThrow().contains("maxReceiveCount"));
        assertTrue(RedrivePolicyCheck.problem("{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:1:d\",\"maxReceiveCount\":10}").isEmpty());
    }

    @Test
    void theModeIsReadFromTheEnvironment() {
        var setting = dev.ndjsonparquet.controller.dispatch.DispatcherSettings.REDRIVE_POLICY_CHECK;
        assertEquals(RedrivePolicyCheck.Mode.WARN, RedrivePolicyCheck.mode(setting, Map.of("REDRIVE_POLICY_CHECK", "warn")));
        assertEquals(RedrivePolicyCheck.Mode.REFUSE, RedrivePolicyCheck.mode(setting, Map.of()));
    }
}
