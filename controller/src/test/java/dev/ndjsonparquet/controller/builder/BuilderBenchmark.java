package dev.ndjsonparquet.controller.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestFile;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Not a test: a benchmark. Pushes a simulated day at the original design's peak (338,000 file events by
 * default, about 3% of them re-deliveries, S3 and EventBridge formats mixed, several records per message,
 * a few test events and out-of-band sizes) through one builder against ElasticMQ and S3Mock in this JVM,
 * as fast as it goes; then checks that every accepted file is in exactly one manifest and prints events per
 * second and the JVM's peak heap (servers included). Run:
 * <pre>
 * mvn -q -B -o -pl controller -am test -Dtest=BuilderBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dbench.builder.events=338000
 * cat controller/target/builder-benchmark.txt
 * </pre>
 */
class BuilderBenchmark {

    /** The original design's real peak: 7,000 files an hour. */
    private static final double REAL_PEAK_PER_SECOND = 7000 / 3600.0;

    @Test
    @EnabledIfSystemProperty(named = "bench.builder.events", matches = "\\d+")
    void simulatedPeakDay() throws Exception {
        String report = run(Integer.getInteger("bench.builder.events"), System.getProperty("bench.builder.store", "local"));
        Files.writeString(Path.of("target", "builder-benchmark.txt"), report);
        System.out.println(report);
    }

    public static void main(String[] args) throws Exception {
        System.out.println(run(args.length > 0 ? Integer.parseInt(args[0]) : 338_000, args.length > 1 ? args[1] : "local"));
        System.exit(0);
    }

    /**
     * @param store {@code local}: ledger, manifests and quarantine in local directories (the local runner's
     *              store), queues on ElasticMQ; {@code s3}: everything on S3Mock, which rewrites a per-bucket
     *              metadata file listing every key on each PUT, so it slows down as the ledger grows
     */
    static String run(int events, String store) throws Exception {
        Harness h = new Harness();
        java.nio.file.Path root = Files.createTempDirectory("builder-benchmark");
        ObjectStore objects = "s3".equals(store) ? h.store : new LocalDirectoryStore(root);
        dev.ndjsonparquet.location.AllowedInputs inputs = dev.ndjsonparquet.location.AllowedInputs.parse(
                "s3".equals(store) ? "s3://" + h.input + "/" : root.toUri() + h.input + "/");
        h.settings = new BuilderSettings(h.ingestQueue, h.manifestQueue,
                StoreUri.parse("s3://" + h.work + "/manifests/"), "s3a://" + h.work + "/table",
                StoreUri.parse("s3://" + h.work + "/quarantine/"), StoreUri.parse("s3://" + h.work + "/ledger/"),
                null, 100, 500L * BuilderSettings.GB, 10,
                new SizeBand(3000 * BuilderSettings.MB, 5000 * BuilderSettings.MB), NamePatterns.defaults(),
                inputs, BuilderSettings.QuarantineMode.REFERENCE, 0, List.of(), 24, 300, "us-east-1", null, "builder", 0);

        // The day's events, generated up front: file i has key day/hh/file-i.ndjson.gz and a 3.5-4.5 GB size.
        Random random = new Random(20260101);
        List<String> bodies = new ArrayList<>();
        Set<String> acceptedUris = new HashSet<>();
        List<String[]> issued = new ArrayList<>();
        int records = 0;
        int file = 0;
        int quarantined = 0;
        while (records < events) {
            int inMessage = Math.min(events - records, random.nextInt(10) < 7 ? 1 : 2 + random.nextInt(3));
            List<String> recs = new ArrayList<>();
            boolean eventBridge = inMessage == 1 && random.nextInt(5) == 0;
            for (int r = 0; r < inMessage; r++) {
                String[] f;
                if (!issued.isEmpty() && random.nextInt(100) < 3) {
                    f = issued.get(issued.size() - 1 - random.nextInt(Math.min(issued.size(), 5000)));
                } else {
                    int n = file++;
                    boolean outOfBand = random.nextInt(1000) == 0;
                    long size = outOfBand ? 1_000_000L : 3_500_000_000L + (long) (random.nextDouble() * 1_000_000_000L);
                    String key = String.format("day/%02d/file-%07d.ndjson.gz", n % 24, n);
                    f = new String[] {key, Long.toString(size), Long.toHexString(random.nextLong())};
                    issued.add(f);
                    if (outOfBand) {
                        quarantined++;
                    } else {
                        acceptedUris.add(objects.fileUri(new StoreUri(h.input, key)));
                    }
                }
                recs.add(eventBridge ? Harness.eventBridge(h.input, f[0], Long.parseLong(f[1]), f[2])
                        : Harness.record(h.input, f[0], Long.parseLong(f[1]), f[2]));
            }
            bodies.add(eventBridge ? recs.get(0) : Harness.s3Notification(recs.toArray(String[]::new)));
            records += inMessage;
            if (random.nextInt(10_000) == 0) {
                bodies.add("{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Bucket\":\"" + h.input + "\"}");
            }
        }
        load(h, bodies);

        AtomicLong peakHeap = new AtomicLong();
        Thread sampler = new Thread(() -> {
            var memory = ManagementFactory.getMemoryMXBean();
            while (!Thread.currentThread().isInterrupted()) {
                peakHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();

        Harness.Builder b = h.builder(objects, Step.StepHook.NONE, java.time.Clock.systemUTC());
        Instant start = Instant.now();
        b.engine().recover();
        Harness.pollUntil(b, Duration.ofHours(3), () -> b.metrics().eventCount() >= events
                && b.loop().inFlightCount() == 0 && h.queueDepth(h.ingestQueue) == 0);
        Duration took = Duration.between(start, Instant.now());
        sampler.interrupt();

        Map<String, Manifest> sent = new HashMap<>();
        for (var message : h.manifestMessages()) {
            String uri = message.manifestUri();
            StoreUri at = uri.startsWith("file:")
                    ? new StoreUri(h.work, ((LocalDirectoryStore) objects).root().resolve(h.work)
                            .relativize(Path.of(java.net.URI.create(uri))).toString())
                    : StoreUri.parse(uri);
            sent.put(message.manifestId(), dev.ndjsonparquet.manifest.ManifestCodec.decode(objects.get(at).orElseThrow()));
        }
        Map<String, Integer> seen = new HashMap<>();
        for (Manifest m : sent.values()) {
            for (ManifestFile f : m.files()) {
                seen.merge(f.uri(), 1, Integer::sum);
            }
        }
        long twice = seen.values().stream().filter(c -> c > 1).count();
        assertEquals(0, twice, "files in two manifests");
        assertEquals(acceptedUris, seen.keySet(), "every accepted file in a manifest");
        assertTrue(sent.values().stream().allMatch(m -> m.fileCount() <= 100));

        double perSecond = events / (took.toMillis() / 1000.0);
        return String.format("""
                builder benchmark (%s store, ElasticMQ queues): %,d file events in %,d messages (%,d distinct files, %,d re-deliveries, %,d out of band)
                  time            %.1f s
                  events/second   %.0f  (%.0fx the original design's real peak of %.2f/s)
                  manifests       %,d (%,d files, every accepted file exactly once)
                  peak heap       %,d MiB (one JVM: builder, ElasticMQ and S3Mock together)
                """, store, events, bodies.size(), file, events - file, quarantined, took.toMillis() / 1000.0, perSecond,
                perSecond / REAL_PEAK_PER_SECOND, REAL_PEAK_PER_SECOND, sent.size(), seen.size(),
                peakHeap.get() / (1024 * 1024));
    }

    private static void load(Harness h, List<String> bodies) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < bodies.size(); i += 10) {
                List<String> chunk = bodies.subList(i, Math.min(bodies.size(), i + 10));
                done.add(pool.submit(() -> {
                    List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
                    for (int j = 0; j < chunk.size(); j++) {
                        entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(j)).messageBody(chunk.get(j)).build());
                    }
                    h.servers.sqs.sendMessageBatch(r -> r.queueUrl(h.ingestQueue).entries(entries));
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
