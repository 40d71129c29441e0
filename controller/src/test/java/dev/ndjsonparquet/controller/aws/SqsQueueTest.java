package dev.ndjsonparquet.controller.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The queue adapter's batch forms (the builder's settling and visibility extension) against ElasticMQ: more
 * than SQS's ten entries a call reach every message, and an entry SQS refuses comes back with its receipt.
 */
class SqsQueueTest {

    static SQSRestServer server;
    static AwsClients aws;

    @BeforeAll
    static void start() {
        server = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
        int port = server.waitUntilStarted().localAddress().getPort();
        aws = AwsClients.create("us-east-1", URI.create("http://127.0.0.1:" + port),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")), AwsClients.Timeouts.DEFAULT);
    }

    @AfterAll
    static void stop() {
        aws.close();
        server.stopAndWait();
    }

    private static SqsQueue queue(String name) {
        return new SqsQueue(aws.sqs(), aws.sqs().createQueue(r -> r.queueName(name)).queueUrl());
    }

    /** Receives until {@code count} distinct messages are in hand (ElasticMQ hands out at most ten a call). */
    private static List<SqsQueue.Received> receiveAll(SqsQueue q, int count, int visibilitySeconds) {
        List<SqsQueue.Received> got = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 50 && got.size() < count; i++) {
            for (SqsQueue.Received m : q.receive(10, 1, visibilitySeconds)) {
                if (ids.add(m.messageId())) {
                    got.add(m);
                }
            }
        }
        assertEquals(count, got.size(), "messages received");
        return got;
    }

    @Test
    void deleteAllRemovesEveryMessageAcrossSeveralBatchCalls() {
        SqsQueue q = queue("delete-all");
        for (int i = 0; i < 23; i++) {
            q.send("message " + i);
        }
        List<SqsQueue.Received> got = receiveAll(q, 23, 60);
        assertEquals(Set.of("message 0", "message 22"),
                Set.copyOf(got.stream().map(SqsQueue.Received::body).filter(b -> b.equals("message 0") || b.equals("message 22")).toList()));

        List<SqsQueue.Refused> refused = q.deleteAll(got.stream().map(SqsQueue.Received::receiptHandle).toList());

        assertEquals(List.of(), refused);
        assertEquals(0L, q.approximateDepth().orElseThrow(), "visible plus in flight after the deletes");
    }

    @Test
    void extendVisibilityAllReachesEveryMessageAcrossSeveralBatchCalls() {
        SqsQueue q = queue("extend-all");
        for (int i = 0; i < 14; i++) {
            q.send("message " + i);
        }
        List<SqsQueue.Received> got = receiveAll(q, 14, 600);
        assertTrue(q.receive(10, 0, 600).isEmpty(), "all 14 are hidden for ten minutes");

        // Extending to 0 s makes each message visible again at once: only a change that reached all 14 shows all.
        List<SqsQueue.Refused> refused = q.extendVisibilityAll(got.stream().map(SqsQueue.Received::receiptHandle).toList(), 0);

        assertEquals(List.of(), refused);
        List<SqsQueue.Received> again = receiveAll(q, 14, 60);
        assertTrue(again.stream().allMatch(m -> m.receiveCount() == 2), "each received a second time");
        q.deleteAll(again.stream().map(SqsQueue.Received::receiptHandle).toList());
    }

    @Test
    void aRefusedEntryComesBackWithItsReceiptAndTheOthersAreDeleted() {
        SqsQueue q = queue("refused");
        q.send("kept apart");
        q.send("second", Map.of("cause", "test"));
        List<SqsQueue.Received> got = receiveAll(q, 2, 60);
        assertEquals("test", got.stream().filter(m -> m.body().equals("second")).findFirst().orElseThrow().attributes().get("cause"));
        List<String> receipts = new ArrayList<>(got.stream().map(SqsQueue.Received::receiptHandle).toList());
        receipts.add(1, "not-a-receipt");

        List<SqsQueue.Refused> refused = q.deleteAll(receipts);

        assertEquals(1, refused.size(), refused::toString);
        assertEquals("not-a-receipt", refused.get(0).receiptHandle());
        assertFalse(refused.get(0).code().isBlank());
        assertEquals(0L, q.approximateDepth().orElseThrow());
    }

    /**
     * A message no longer in flight with a receipt (received again since, or deleted) is an answer from SQS, not SQS
     * failing: the dispatcher must not take it for an outage and stop extending its other messages.
     */
    @Test
    void extendingAMessageNoLongerInFlightWithItsReceiptIsAnAnswer() {
        SqsQueue q = queue("not-in-flight");
        q.send("m");
        SqsQueue.Received first = receiveAll(q, 1, 0).get(0); // visible again at once
        SqsQueue.Received again = receiveAll(q, 1, 30).get(0);
        assertEquals(first.messageId(), again.messageId());
        assertTrue(q.extendVisibilityIfInFlight(again.receiptHandle(), 30), "the current receipt extends");
        q.delete(again.receiptHandle());
        assertFalse(q.extendVisibilityIfInFlight(again.receiptHandle(), 30), "a deleted message is not in flight");
    }
}
