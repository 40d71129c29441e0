package dev.ndjsonparquet.controller.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.controller.builder.Step.StepHook;
import dev.ndjsonparquet.location.AllowedInputs;
import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestCodec;
import dev.ndjsonparquet.manifest.ManifestFile;
import dev.ndjsonparquet.manifest.ManifestMessage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * One isolated world per test on the shared servers: its own buckets and queues, builders wired to them,
 * and readers of what came out (manifests on the queue, read back from S3).
 */
final class Harness {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    /** Copies cut into parts of S3's smallest size (5 MiB), so small test objects take the multipart path. */
    static final S3Copier.CopyBudget SMALL_PARTS = new S3Copier.CopyBudget(5L * 1024 * 1024, 4, Duration.ofMinutes(1));

    final TestServers servers = TestServers.get();
    final String input;
    final String work;
    final String ingestQueue;
    final String manifestQueue;
    final S3ObjectStore store;
    /** Where files may be: the input bucket (a test over local directories sets its own). */
    AllowedInputs inputs;
    BuilderSettings settings;
    private final List<ManifestMessage> received = new ArrayList<>();
    private final Map<String, Boolean> receivedIds = new HashMap<>();

    Harness() {
        int n = COUNTER.incrementAndGet();
        String run = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        input = "input-" + run + "-" + n;
        work = "work-" + run + "-" + n;
        servers.s3.createBucket(b -> b.bucket(input));
        servers.s3.createBucket(b -> b.bucket(work));
        ingestQueue = servers.sqs.createQueue(b -> b.queueName("ingest-" + run + "-" + n)).queueUrl();
        manifestQueue = servers.sqs.createQueue(b -> b.queueName("manifests-" + run + "-" + n)).queueUrl();
        store = new S3ObjectStore(servers.s3, SMALL_PARTS);
        inputs = AllowedInputs.parse("s3://" + input + "/");
        settings = settings(10, 1_000_000, 60, new SizeBand(100, 10_000), BuilderSettings.QuarantineMode.COPY, 30);
    }

    BuilderSettings settings(int maxFiles, long maxBytes, int maxAgeSeconds, SizeBand band,
                             BuilderSettings.QuarantineMode mode, int visibilitySeconds) {
        return new BuilderSettings(ingestQueue, manifestQueue,
                StoreUri.parse("s3://" + work + "/manifests/"), "s3a://" + work + "/table",
                StoreUri.parse("s3://" + work + "/quarantine/"), StoreUri.parse("s3://" + work + "/ledger/"),
                null, maxFiles, maxBytes, maxAgeSeconds, band, NamePatterns.defaults(), inputs, mode, 0, List.of(), 24,
                visibilitySeconds, "us-east-1", null, "builder", 0);
    }

    /** A builder process: engine and loop over the shared stores and queues. */
    record Builder(BatchEngine engine, IngestLoop loop, BuilderMetrics metrics) {
    }

    Builder builder(StepHook hook, Clock clock) {
        return builder(store, hook, clock);
    }

    /** A builder over another store (the local-directory store stands in for S3 in the benchmark). */
    Builder builder(ObjectStore store, StepHook hook, Clock clock) {
        return builder(store, servers.sqs, hook, clock);
    }

    /** A builder over the given store and SQS client (fault-injecting wrappers in the fault tests). */
    Builder builder(ObjectStore store, software.amazon.awssdk.services.sqs.SqsClient sqs, StepHook hook, Clock clock) {
        BuilderMetrics metrics = new BuilderMetrics(new SimpleMeterRegistry());
        BatchEngine engine = BuilderAssembly.engine(settings, store, sqs, metrics, hook, clock, "builder");
        IngestLoop loop = BuilderAssembly.loop(settings, engine, store, sqs, metrics, hook, clock).withMaxWaitSeconds(1);
        return new Builder(engine, loop, metrics);
    }

    /**
     * Polls like the production loop does (an error ends the poll, the next one goes on) until the condition
     * holds; errors are counted, not thrown. {@link Fenced} ends the builder: rethrown.
     */
    static int pollThroughErrors(Builder b, Duration limit, BooleanSupplier done) {
        Instant end = Instant.now().plus(limit);
        int errors = 0;
        while (!done.getAsBoolean()) {
            if (Instant.now().isAfter(end)) {
                throw new AssertionError("condition not reached within " + limit + " (" + errors + " poll errors)");
            }
            try {
                b.loop().pollOnce();
            } catch (Fenced e) {
                throw e;
            } catch (RuntimeException e) {
                errors++;
            }
        }
        return errors;
    }

    /** Malformed events and messages the builder counted. */
    double builderMalformed(Builder b) {
        return b.metrics().malformedCount();
    }

    /** True when the ingest queue is empty and the builder holds no message. */
    boolean drained(Builder b) {
        return queueDepth(ingestQueue) == 0 && b.loop().inFlightCount() == 0;
    }

    Builder builder() {
        return builder(StepHook.NONE, Clock.systemUTC());
    }

    /** Puts an object of exactly {@code size} bytes; returns its ETag. */
    String putObject(String key, int size) {
        byte[] content = new byte[size];
        java.util.Arrays.fill(content, (byte) 'x');
        if (size > 0) {
            content[size - 1] = '\n';
        }
        return ObjectEvent.normalizeEtag(servers.s3.putObject(b -> b.bucket(input).key(key), RequestBody.fromBytes(content)).eTag());
    }

    String uri(String key) {
        return new StoreUri(input, key).toUri("s3a");
    }

    static String record(String bucket, String key, long size, String etag) {
        String encoded = URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
        return """
                {"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1","eventTime":"2026-01-01T00:00:00.000Z",
                 "eventName":"ObjectCreated:Put","s3":{"s3SchemaVersion":"1.0","bucket":{"name":"%s","arn":"arn:aws:s3:::%s"},
                 "object":{"key":"%s","size":%d,"eTag":"%s","sequencer":"0055AED6DCD90281E5"}}}"""
                .formatted(bucket, bucket, encoded, size, etag);
    }

    static String s3Notification(String... records) {
        return "{\"Records\":[" + String.join(",", records) + "]}";
    }

    /** An EventBridge "Object Created" event: the key as it is (EventBridge does not URL-encode it). */
    static String eventBridge(String bucket, String key, long size, String etag) {
        String encoded = jsonString(key);
        return """
                {"version":"0","id":"17793124-05d4-b198-2fde-7ededc63b103","detail-type":"Object Created","source":"aws.s3",
                 "account":"111122223333","time":"2026-01-01T00:00:00Z","region":"us-east-1","resources":["arn:aws:s3:::%s"],
                 "detail":{"version":"0","bucket":{"name":"%s"},"object":{"key":"%s","size":%d,"etag":"%s","sequencer":"617f08299329d189"},
                 "request-id":"N4N7GDK58NMKJ12R","requester":"123456789012","reason":"PutObject"}}"""
                .formatted(bucket, bucket, encoded, size, etag);
    }

    private static String jsonString(String s) {
        try {
            String quoted = Ledger.JSON.writeValueAsString(s);
            return quoted.substring(1, quoted.length() - 1);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Puts the object and sends its S3 notification; returns the manifest URI it should end up under. */
    String upload(String key, int size) {
        String etag = putObject(key, size);
        send(s3Notification(record(input, key, size, etag)));
        return uri(key);
    }

    /**
     * Sends an event message in a millisecond of its own. ElasticMQ orders a standard queue's visible messages by the
     * millisecond they became visible and nothing else, so two messages sent in one millisecond come out in an order
     * that depends on the wall clock's ticks: tests that send in a known order receive in that order.
     */
    void send(String body) {
        servers.sqs.sendMessage(b -> b.queueUrl(ingestQueue).messageBody(body));
        nextMillisecond();
    }

    /** Returns once the wall clock has moved past the millisecond this was called in. */
    static void nextMillisecond() {
        long now = System.currentTimeMillis();
        while (System.currentTimeMillis() <= now) {
            Thread.onSpinWait();
        }
    }

    /** Polls until the condition holds or the time is up. */
    static void pollUntil(Builder b, Duration limit, BooleanSupplier done) {
        Instant end = Instant.now().plus(limit);
        while (!done.getAsBoolean()) {
            if (Instant.now().isAfter(end)) {
                throw new AssertionError("condition not reached within " + limit);
            }
            b.loop().pollOnce();
        }
    }

    /** Every manifest message sent so far (left on the queue: received and made visible again at once). */
    List<ManifestMessage> manifestMessages() {
        List<ManifestMessage> out = received;
        Map<String, Boolean> seen = receivedIds;
        while (true) {
            List<Message> got = servers.sqs.receiveMessage(b -> b.queueUrl(manifestQueue).maxNumberOfMessages(10)
                    .visibilityTimeout(30).waitTimeSeconds(0)).messages();
            if (got.isEmpty()) {
                break;
            }
            for (Message m : got) {
                if (seen.put(m.messageId(), true) == null) {
                    out.add(ManifestCodec.decodeMessage(m.body()));
                }
            }
        }
        return List.copyOf(out);
    }

    /** The manifests that reached the queue, read back from S3, keyed by id (a re-sent id counts once). */
    Map<String, Manifest> sentManifests() {
        Map<String, Manifest> out = new LinkedHashMap<>();
        for (ManifestMessage m : manifestMessages()) {
            StoreUri at = StoreUri.parse(m.manifestUri());
            Manifest manifest = ManifestCodec.decode(store.get(at).orElseThrow());
            assertEquals(m.manifestId(), manifest.manifestId());
            assertEquals(m.fileCount(), manifest.fileCount());
            assertEquals(m.totalBytes(), manifest.totalBytes());
            Manifest previous = out.put(m.manifestId(), manifest);
            if (previous != null) {
                assertEquals(previous.files(), manifest.files(), "a manifest id re-sent names the same files");
            }
        }
        return out;
    }

    /** Asserts every expected file is in exactly one manifest that reached the queue, and nothing else is. */
    static void assertExactlyOnce(Collection<String> expectedUris, Collection<Manifest> manifests) {
        Map<String, Integer> count = new HashMap<>();
        for (Manifest m : manifests) {
            for (ManifestFile f : m.files()) {
                count.merge(f.uri(), 1, Integer::sum);
            }
        }
        Set<String> twice = new TreeSet<>();
        count.forEach((uri, c) -> {
            if (c > 1) {
                twice.add(uri);
            }
        });
        assertTrue(twice.isEmpty(), "files in more than one manifest: " + twice);
        assertEquals(new TreeSet<>(expectedUris), new TreeSet<>(count.keySet()), "files in manifests");
    }

    /**
     * Gives the ingest queue a dead-letter queue after {@code maxReceiveCount} receives (SQS's redrive policy);
     * returns the dead-letter queue's URL. With 1, any message received a second time moves there.
     */
    String deadLetterQueue(int maxReceiveCount) {
        String dlq = servers.sqs.createQueue(b -> b.queueName(ingestQueue.substring(ingestQueue.lastIndexOf('/') + 1) + "-dlq"))
                .queueUrl();
        String arn = servers.sqs.getQueueAttributes(b -> b.queueUrl(dlq).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        servers.sqs.setQueueAttributes(b -> b.queueUrl(ingestQueue).attributes(Map.of(QueueAttributeName.REDRIVE_POLICY,
                "{\"maxReceiveCount\":\"" + maxReceiveCount + "\",\"deadLetterTargetArn\":\"" + arn + "\"}")));
        return dlq;
    }

    long queueDepth(String queueUrl) {
        var attrs = servers.sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes();
        return Long.parseLong(attrs.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Long.parseLong(attrs.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

}
