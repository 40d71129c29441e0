package dev.ndjsonparquet.tools.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ndjsonparquet.controller.builder.StoreUri;
import dev.ndjsonparquet.controller.k8s.ApplicationState;
import dev.ndjsonparquet.tools.local.FaultPlan;
import dev.ndjsonparquet.tools.local.FaultPlan.Fate;
import dev.ndjsonparquet.tools.local.LocalSparkRunner;
import dev.ndjsonparquet.tools.local.SparkLaunch;
import dev.ndjsonparquet.controller.k8s.SparkApplication;
import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestCodec;
import dev.ndjsonparquet.manifest.ManifestFile;
import dev.ndjsonparquet.manifest.ManifestMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Issue 7: the whole pipeline through the Kubernetes path, with faults. S3 events of uploaded NDJSON files on the
 * ingest queue (ElasticMQ), the real manifest builder, the real dispatcher against the Fabric8 CRUD API, and
 * {@link Operator} (the local runs' {@code LocalSparkRunner}) running the real spark-app (child JVMs, Spark local mode, S3A on S3Mock). Each
 * scenario switches on some {@link Fault}s; the same checks hold at the end of every one (see {@link #scenario}).
 */
class PipelineFaultsIT {

    /** What can go wrong. */
    enum Fault {
        /** Every S3 event is delivered twice, all of them shuffled. */
        DUPLICATE_AND_REORDERED_EVENTS,
        /**
         * The builder is killed after random durable steps, and the dispatcher inside random calls it makes for a message it
         * holds (work in progress), several times each.
         */
        KILLS,
        /** One application loses its driver on its first run (spark-operator reruns it). */
        DRIVER_LOST_ONCE,
        /** One manifest's application fails every run: dead-lettered after the dispatcher's attempts. */
        FAILS_EVERY_TIME,
        /** One application stays SUBMITTED on its first attempt (the dispatcher's stuck timeout, then a new attempt). */
        STUCK_IN_SUBMITTED,
        /**
         * A spot shortage on one application's first attempt: its driver waits for a node (Pending, Unschedulable) for
         * twice the stuck timeout, then its executors wait as long and run on an on-demand node. No attempt is spent, it
         * converts on attempt 1, and the dispatcher records the wait and the on-demand executor-seconds from the pods.
         */
        WAITS_FOR_NODE,
        /** A truncated gzip file and a file with bad lines among good ones. */
        BAD_DATA,
        /** Two poison messages on the manifest queue: not JSON, and a manifest reading outside the allowed inputs. */
        POISON_MESSAGES,
        /** A file above the size band. */
        OUT_OF_BAND_FILE
    }

    private static final int MAX_CONCURRENT_RUNS = 2;
    private static final Duration STUCK_TIMEOUT = Duration.ofSeconds(6);
    /** How long a scenario may take to settle; {@code -Dit.timeoutMinutes} gives a loaded machine more. */
    private static final Duration TIMEOUT = Duration.ofMinutes(Long.getLong("it.timeoutMinutes", 4));
    private static final ObjectMapper JSON = new ObjectMapper();

    private static SparkLaunch spark;

    @TempDir
    Path tmp;

    private Pipeline pipeline;
    private Operator operator;

    @BeforeAll
    static void sparkApp() {
        spark = SparkAppClasspath.locateOrSkip();
    }

    @AfterEach
    void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
        if (operator != null) {
            operator.close();
        }
    }

    /**
     * The scenarios; {@code -Dit.scenario=<part of a name>} runs only the matching ones. Most single-fault scenarios
     * put all their files in one manifest (one Spark run); the kills and the combined one spread them over several, so
     * that every dispatcher kill finds work in progress and more applications want to run than
     * {@link #MAX_CONCURRENT_RUNS} allows.
     */
    static Stream<Arguments> scenarios() {
        String only = System.getProperty("it.scenario", "");
        return Stream.of(
                Arguments.of("duplicated and reordered events, bad data, a file outside the size band",
                        EnumSet.of(Fault.DUPLICATE_AND_REORDERED_EVENTS, Fault.BAD_DATA, Fault.OUT_OF_BAND_FILE), 10),
                Arguments.of("builder and dispatcher killed and restarted", EnumSet.of(Fault.KILLS), 2),
                Arguments.of("failing and stuck applications, poison messages",
                        EnumSet.of(Fault.DRIVER_LOST_ONCE, Fault.FAILS_EVERY_TIME, Fault.STUCK_IN_SUBMITTED, Fault.POISON_MESSAGES), 10),
                Arguments.of("a driver and its executors wait for nodes longer than the stuck timeout, then go on-demand",
                        EnumSet.of(Fault.WAITS_FOR_NODE), 10),
                Arguments.of("everything at once", EnumSet.complementOf(EnumSet.of(Fault.WAITS_FOR_NODE)), 3))
                .filter(a -> ((String) a.get()[0]).contains(only));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void everyGoodRecordExactlyOnceAndEveryOtherThingAccountedFor(String name, EnumSet<Fault> faults, int maxFilesPerManifest)
            throws Exception {
        long seed = seed();
        try {
            scenario(name, faults, maxFilesPerManifest, new Random(seed));
        } catch (Exception | AssertionError e) {
            throw new AssertionError("scenario '" + name + "' failed with seed " + seed + " (rerun it with -Dit.seed="
                    + seed + " -Dit.scenario='" + name + "'): " + e.getMessage(), e);
        }
    }

    /** The seed of a scenario's random choices: {@code -Dit.seed=<n>} reruns one, otherwise a new one, printed. */
    private static long seed() {
        long seed = Long.getLong("it.seed", new Random().nextLong());
        System.out.println("random seed " + seed + " (rerun with -Dit.seed=" + seed + ")");
        return seed;
    }

    private void scenario(String name, EnumSet<Fault> faults, int maxFilesPerManifest, Random random) throws Exception {
        Instant started = Instant.now();
        Set<Integer> builderKills = new HashSet<>();
        if (faults.contains(Fault.KILLS)) {
            while (builderKills.size() < 3) {
                builderKills.add(1 + random.nextInt(9)); // among the first durable steps (claims, closing, shipping a batch)
            }
        }
        pipeline = new Pipeline(new Pipeline.Limits(MAX_CONCURRENT_RUNS, maxFilesPerManifest, 2, STUCK_TIMEOUT, 6), builderKills);
        List<Integer> dispatcherKills = new ArrayList<>();
        if (faults.contains(Fault.KILLS)) {
            for (int i = 0; i < 3; i++) {
                dispatcherKills.add(1 + random.nextInt(2)); // inside the first or second write of each of the first three
            }
            pipeline.killDispatchers(dispatcherKills);
        }
        InputFiles files = new InputFiles(pipeline.servers.s3(), pipeline.landing);
        Duration capacityWait = STUCK_TIMEOUT.multipliedBy(2);
        operator = new Operator(pipeline.servers.kubernetes.client(), pipeline.namespace, spark, new FaultPlan() {
            @Override
            public Fate fate(SparkApplication app, int attempt, int execution) {
                return PipelineFaultsIT.this.fate(app, attempt, execution);
            }

            @Override
            public Duration capacityWait() {
                return capacityWait;
            }
        }, tmp.resolve("spark-logs"));
        pipeline.startBuilder();
        pipeline.startDispatcher();

        // The doomed file goes alone first, so that its manifest holds nothing else.
        List<InputFiles.Upload> doomed = new ArrayList<>();
        if (faults.contains(Fault.FAILS_EVERY_TIME)) {
            doomed.add(files.good("events/doomed.ndjson", 40));
            deliver(files, doomed, faults, random);
            await("the doomed file's manifest", () -> manifests().values().stream()
                    .anyMatch(m -> m.files().stream().anyMatch(f -> f.uri().contains("doomed"))));
        }
        List<InputFiles.Upload> rest = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            String key = "events/2026/11/26/part-" + i + (i == 2 && faults.contains(Fault.STUCK_IN_SUBMITTED) ? "-stuck"
                    : i == 4 && faults.contains(Fault.DRIVER_LOST_ONCE) ? "-lost"
                    : i == 3 && faults.contains(Fault.WAITS_FOR_NODE) ? "-waits" : "") + ".ndjson";
            rest.add(files.good(key, 120 + 10 * i));
        }
        boolean badData = faults.contains(Fault.BAD_DATA);
        InputFiles.Upload mixed = badData ? files.withBadLines("events/2026/11/26/mixed.ndjson", 80) : null;
        InputFiles.Upload corrupt = badData ? files.corruptGzip("events/2026/11/26/truncated.ndjson.gz", 300) : null;
        InputFiles.Upload oversized = faults.contains(Fault.OUT_OF_BAND_FILE) ? files.good("events/2026/11/26/oversized.ndjson", 1200) : null;
        Stream.of(mixed, corrupt, oversized).filter(u -> u != null).forEach(rest::add);
        assertTrue(oversized == null || oversized.size() > 64 * 1024, "the oversized file is above the band");
        List<String> poisonBodies = new ArrayList<>();
        if (faults.contains(Fault.POISON_MESSAGES)) {
            poisonBodies.add("this is not a manifest message");
            Manifest outside = Manifest.of(Instant.parse("2026-11-26T00:00:00Z"),
                    List.of(new ManifestFile("s3a://someone-elses-bucket/secret.ndjson", 1000, "\"0a1b\"")),
                    "s3a://" + pipeline.lake + "/events", null);
            StoreUri at = StoreUri.parse("s3://" + pipeline.work + "/elsewhere/" + outside.manifestId() + ".json");
            pipeline.store.put(at, ManifestCodec.encode(outside));
            poisonBodies.add(ManifestCodec.encodeMessage(ManifestMessage.of(at.toUri("s3"), outside)));
            poisonBodies.forEach(pipeline::sendManifestMessage);
        }
        deliver(files, rest, faults, random);

        Set<String> accepted = new TreeSet<>();
        for (InputFiles.Upload u : files.uploads().values()) {
            if (u != oversized) {
                accepted.add(files.uri(u));
            }
        }
        int expectedDeadLetters = poisonBodies.size() + (doomed.isEmpty() ? 0 : 1);
        Map<String, Message> deadLetters = new LinkedHashMap<>();
        await("every manifest converted or dead-lettered and nothing left in flight", () -> {
            readDeadLetters(deadLetters);
            Map<String, Manifest> manifests = manifests();
            Set<String> inManifests = manifests.values().stream().flatMap(m -> m.files().stream()).map(ManifestFile::uri)
                    .collect(Collectors.toSet());
            Set<String> deadLettered = deadLetters.values().stream().map(m -> attribute(m, "manifestId"))
                    .filter(s -> s != null).collect(Collectors.toSet());
            return pipeline.dispatcherKills().size() == dispatcherKills.size()
                    && inManifests.containsAll(accepted)
                    && manifests.keySet().stream().allMatch(id -> deadLettered.contains(id) || resultExists(id))
                    && deadLetters.size() >= expectedDeadLetters
                    && pipeline.depth(pipeline.ingestQueue) == 0
                    && pipeline.depth(pipeline.manifestQueue) == 0
                    && applications().stream().allMatch(a -> a.state().isTerminal());
        });
        // Everything stops before the checks, so that what they read is final: anything late (a duplicate manifest
        // message, a second dead letter, a new application) would have to be there now, and nothing can come after.
        stopEverything();
        readDeadLetters(deadLetters);

        // ---- what must hold ------------------------------------------------------------------
        Map<String, Manifest> manifests = manifests();
        Path lake = download(pipeline.lake, "events/", tmp.resolve("lake"));

        // Dead letters: each poison message once, body unchanged, and the manifest that failed every attempt, each
        // with its reason. (Every delivery of the failed manifest's message is dead-lettered: the builder may have
        // sent it more than once, e.g. when killed right after sending.)
        List<String> poisonSeen = new ArrayList<>();
        Set<String> failedManifests = new TreeSet<>();
        for (Message m : deadLetters.values()) {
            String cause = attribute(m, "cause");
            assertFalse(attribute(m, "reason") == null || attribute(m, "reason").isBlank(), "a reason: " + describe(deadLetters));
            if ("poison".equals(cause)) {
                poisonSeen.add(m.body());
            } else {
                assertEquals("failed", cause, describe(deadLetters));
                failedManifests.add(attribute(m, "manifestId"));
                assertTrue(attribute(m, "reason").contains("driver pod lost"), attribute(m, "reason"));
                assertEquals("2", attribute(m, "attempts"), "the dispatcher's attempts");
            }
        }
        // Once each, body unchanged; a second copy only where a dispatcher was killed inside the dead-letter send (the send
        // took effect, the message was not deleted: docs/dispatcher.md, "a dead-letter send that fails after taking effect").
        assertEquals(new TreeSet<>(poisonBodies), new TreeSet<>(poisonSeen), "every poison message dead-lettered, body unchanged");
        long killsInsideSends = pipeline.dispatcherKills().stream().filter(c -> c.startsWith("sendMessage")).count();
        assertTrue(poisonSeen.size() - poisonBodies.size() <= killsInsideSends, "a poison message dead-lettered more than once "
                + "without a kill inside a send: " + poisonSeen + ", kills " + pipeline.dispatcherKills());
        assertEquals(doomed.isEmpty() ? 0 : 1, failedManifests.size(), "dead-lettered manifests: " + describe(deadLetters));
        String doomedManifest = failedManifests.isEmpty() ? null : failedManifests.iterator().next();
        if (!doomed.isEmpty()) {
            String id = doomedManifest;
            assertTrue(id != null && manifests.containsKey(id), "the doomed manifest is dead-lettered");
            assertEquals(List.of(files.uri(doomed.get(0))), manifests.get(id).files().stream().map(ManifestFile::uri).toList());
            assertFalse(resultExists(id), "the doomed manifest has no result record");
        }

        // Every accepted file is in exactly one manifest; the oversized one in none.
        Map<String, Integer> perFile = new TreeMap<>();
        manifests.values().forEach(m -> m.files().forEach(f -> perFile.merge(f.uri(), 1, Integer::sum)));
        assertEquals(accepted, perFile.keySet(), "files in manifests");
        assertTrue(perFile.values().stream().allMatch(c -> c == 1), "each file in one manifest: " + perFile);

        // The Parquet holds every good record of every converted file exactly once, and nothing else.
        List<InputFiles.Upload> converted = files.uploads().values().stream()
                .filter(u -> u != oversized && !doomed.contains(u)).toList();
        List<Long> rows = Duckdb.longs("SELECT id FROM read_parquet('" + lake + "/events/ingest_date=*/manifest_id=*/*.parquet') ORDER BY id");
        assertEquals(new ArrayList<>(InputFiles.ids(converted)), rows, "record ids in the Parquet output (sorted, duplicates kept)");
        Set<String> outputManifests = new TreeSet<>(Duckdb.strings("SELECT DISTINCT regexp_extract(filename, 'manifest_id=([^/]+)', 1) "
                + "FROM read_parquet('" + lake + "/events/ingest_date=*/manifest_id=*/*.parquet', filename = true)"));
        Set<String> completed = new TreeSet<>(manifests.keySet());
        if (doomedManifest != null) {
            completed.remove(doomedManifest);
        }
        assertTrue(completed.containsAll(outputManifests), "output only from completed manifests: " + outputManifests);

        // Every bad line is a bad record with its file and line number, exactly once (duplicates kept, counted in the Parquet).
        List<String> expectedBad = new ArrayList<>();
        for (InputFiles.Upload u : converted) {
            u.badLines().forEach(line -> expectedBad.add(files.uri(u) + "#" + line));
        }
        Collections.sort(expectedBad);
        List<String> badRecords = expectedBad.isEmpty() ? List.of()
                : Duckdb.strings("SELECT replace(source_file, 's3://', 's3a://') || '#' || line_number || "
                        + "CASE WHEN reason IS NULL OR reason = '' THEN ' (no reason)' ELSE '' END AS r FROM read_parquet('" + lake
                        + "/events/_bad_records/manifest_id=*/*.parquet') ORDER BY r");
        assertEquals(expectedBad, badRecords, "bad records (file#line, sorted, duplicates kept)");

        // Result records add up, per manifest and in total; the truncated gzip is quarantined with a reason.
        long linesRead = 0;
        long rowsWritten = 0;
        long bad = 0;
        Map<String, String> quarantinedBySpark = new TreeMap<>();
        for (String id : completed) {
            JsonNode r = JSON.readTree(lake.resolve("events/_results/" + id + ".json").toFile());
            long l = r.get("linesRead").asLong();
            long w = r.get("rowsWritten").asLong();
            long b = r.get("badRecords").asLong();
            assertEquals(l, w + b, "lines read = rows written + bad records in " + id);
            linesRead += l;
            rowsWritten += w;
            bad += b;
            r.get("quarantinedFiles").forEach(q -> quarantinedBySpark.put(q.get("path").asText(), q.get("reason").asText()));
        }
        assertEquals(rows.size(), rowsWritten, "rows written in the result records = rows in the Parquet");
        assertEquals(badRecords.size(), bad, "bad records in the result records = bad records in the Parquet");
        long expectedLines = converted.stream().filter(u -> !u.key().endsWith(".gz")).mapToLong(InputFiles.Upload::nonBlankLines).sum();
        assertEquals(expectedLines, linesRead, "non-blank lines read of the readable files");
        if (corrupt != null) {
            String corruptUri = files.uri(corrupt);
            String reason = quarantinedBySpark.entrySet().stream()
                    .filter(e -> e.getKey().replace("s3://", "s3a://").equals(corruptUri)).map(Map.Entry::getValue).findFirst().orElse(null);
            assertTrue(reason != null && !reason.isBlank(), "the truncated gzip is quarantined with a reason: " + quarantinedBySpark);
        } else {
            assertEquals(Map.of(), quarantinedBySpark);
        }

        // The oversized file: quarantined by the builder with its reason record, a copy kept, never in a manifest.
        Map<String, String> quarantinedByBuilder = new TreeMap<>();
        for (S3Object o : pipeline.servers.s3().listObjectsV2Paginator(r -> r.bucket(pipeline.work).prefix("quarantine/records/")).contents()) {
            JsonNode rec = JSON.readTree(pipeline.store.get(new StoreUri(pipeline.work, o.key())).orElseThrow());
            quarantinedByBuilder.put(rec.get("key").asText(), rec.get("reason").asText());
        }
        assertEquals(oversized == null ? Map.of() : Map.of(oversized.key(), "too-large"), quarantinedByBuilder, "builder quarantine");

        // Nothing in flight; never more than maxConcurrentRuns applications active.
        assertEquals(0, pipeline.depth(pipeline.ingestQueue), "ingest queue");
        assertEquals(0, pipeline.depth(pipeline.manifestQueue), "manifest queue");
        assertEquals(0, pipeline.depth(pipeline.ingestDeadLetterQueue), "ingest dead-letter queue");
        assertTrue(applications().stream().allMatch(a -> a.state().isTerminal()), "every application finished");
        assertTrue(operator.maxActive() <= MAX_CONCURRENT_RUNS, "active applications at most " + MAX_CONCURRENT_RUNS + ": "
                + operator.maxActive());
        assertTrue(operator.maxJvms() <= MAX_CONCURRENT_RUNS, "Spark drivers at most " + MAX_CONCURRENT_RUNS);
        if (manifests.size() > MAX_CONCURRENT_RUNS) {
            assertEquals(MAX_CONCURRENT_RUNS, operator.maxActive(), "with more manifests than the limit, the limit was reached");
        }

        // The faults did happen.
        List<LocalSparkRunner.Finished> runs = operator.executions();
        if (faults.contains(Fault.DRIVER_LOST_ONCE)) {
            assertEquals(1, lostManifests.size(), "one manifest lost its driver: " + runs);
            assertTrue(runs.stream().anyMatch(e -> lostManifests.contains(e.manifestId()) && e.fate() == Fate.DRIVER_LOST),
                    "a driver was lost: " + runs);
            assertTrue(runs.stream().anyMatch(e -> lostManifests.contains(e.manifestId()) && e.fate() == Fate.RUN
                    && e.execution() == 2 && e.exitCode() == 0), "spark-operator's rerun converted it: " + runs);
        }
        if (faults.contains(Fault.STUCK_IN_SUBMITTED)) {
            assertEquals(1, stuckManifests.size(), "one manifest was stuck: " + runs);
            assertTrue(runs.stream().anyMatch(e -> stuckManifests.contains(e.manifestId()) && e.attempt() == 2 && e.exitCode() == 0),
                    "the stuck manifest converted on the dispatcher's second attempt: " + runs);
        }
        if (faults.contains(Fault.WAITS_FOR_NODE)) {
            assertEquals(1, waitingManifests.size(), "one manifest's driver waited for a node: " + runs);
            assertTrue(runs.stream().anyMatch(e -> waitingManifests.contains(e.manifestId()) && e.fate() == Fate.OVERFLOWS_TO_ON_DEMAND
                    && e.attempt() == 1 && e.exitCode() == 0), "it converted on the dispatcher's first attempt: " + runs);
            assertTrue(runs.stream().noneMatch(e -> waitingManifests.contains(e.manifestId()) && e.attempt() > 1),
                    "no attempt was spent on the wait: " + runs);
            assertOverflowRecorded(waitingManifests.iterator().next(), capacityWait);
            // The driver's own figures in the result record (Spark's executor events, spark.extraListeners): local mode
            // asks for no executors and registers none besides the driver, so there is nothing to wait for.
            JsonNode capacity = JSON.readTree(lake.resolve("events/_results/" + waitingManifests.iterator().next() + ".json").toFile())
                    .path("capacity");
            assertEquals(JSON.readTree("{\"executorsRequested\":0,\"executorsRegistered\":0,\"executorWaitSeconds\":0.0,"
                    + "\"executorSeconds\":0.0}"), capacity, "the result record's capacity, as the driver measured it");
        }
        if (faults.contains(Fault.KILLS)) {
            assertEquals(1 + builderKills.size(), pipeline.builderStarts(), "builders started (killed " + builderKills + ")");
            assertEquals(1 + dispatcherKills.size(), pipeline.dispatcherStarts(), "dispatchers started");
            List<String> killedInside = pipeline.dispatcherKills();
            assertEquals(dispatcherKills.size(), killedInside.size(), "every planned dispatcher kill happened: " + killedInside);
            assertTrue(killedInside.stream().allMatch(c -> c.startsWith("deleteMessage") || c.startsWith("changeMessageVisibility")
                    || c.startsWith("sendMessage")), "each dispatcher kill interrupted a call made for a message in flight: " + killedInside);
        }
        assertEquals(List.of(), pipeline.unexpectedRestarts(), "restarts nobody planned");
        // Every change of every application, as the watch saw it: one COMPLETED application per converted manifest.
        Map<String, Long> completedPerManifest = operator.changes().stream().filter(c -> c.state() == ApplicationState.COMPLETED && !c.gone())
                .map(c -> c.manifestId() + " " + c.application()).distinct()
                .collect(Collectors.groupingBy(k -> k.substring(0, k.indexOf(' ')), TreeMap::new, Collectors.counting()));
        Map<String, Long> onceEach = new TreeMap<>();
        completed.forEach(id -> onceEach.put(id, 1L));
        assertEquals(onceEach, completedPerManifest, "converted manifests, each by exactly one COMPLETED application");
        System.out.printf("scenario '%s': %d manifest(s), %d row(s), %d bad record(s), %d Spark run(s), %d dead letter(s), %d s%n",
                name, manifests.size(), rows.size(), bad, runs.stream().filter(e -> e.fate() == Fate.RUN).count(),
                deadLetters.size(), Duration.between(started, Instant.now()).toSeconds());
    }

    /**
     * The overflowing application's figures in the dispatcher's metrics, against figures by hand: it waited the driver's
     * wait plus its executors' (each {@code capacityWait}, one after the other, exact: the runner binds each pod at its
     * creation plus the wait), and its executors ran on the on-demand node from their binding to their containers' end,
     * as their pods record; nothing on spot or unknown nodes (the other applications had no pods).
     */
    private void assertOverflowRecorded(String manifestId, Duration capacityWait) {
        var client = pipeline.servers.kubernetes.client();
        String application = dev.ndjsonparquet.controller.dispatch.Labels.applicationName(manifestId);
        List<io.fabric8.kubernetes.api.model.Pod> executors = client.pods().inNamespace(pipeline.namespace)
                .withLabel("spark-role", "executor").withLabel(dev.ndjsonparquet.controller.dispatch.CapacityWait.APP_NAME_LABEL, application)
                .list().getItems();
        int instances = applications().stream().filter(a -> a.getMetadata().getName().equals(application)).findFirst().orElseThrow()
                .getSpec().getExecutor().getInstances();
        assertEquals(instances, executors.size(), "one pod per executor the application asked for");
        double onDemandByHand = 0;
        for (io.fabric8.kubernetes.api.model.Pod p : executors) {
            assertEquals(LocalSparkRunner.ON_DEMAND_NODE, p.getSpec().getNodeName());
            Instant bound = Instant.parse(p.getStatus().getConditions().stream().filter(c -> c.getType().equals("PodScheduled"))
                    .findFirst().orElseThrow().getLastTransitionTime());
            Instant ended = Instant.parse(p.getStatus().getContainerStatuses().get(0).getState().getTerminated().getFinishedAt());
            onDemandByHand += Duration.between(bound, ended).toSeconds();
        }
        double onDemand = 0;
        double spot = 0;
        double unknown = 0;
        double waits = 0;
        double waited = 0;
        for (var m : pipeline.dispatcherMetrics()) {
            onDemand += m.executorSecondsCount("on-demand");
            spot += m.executorSecondsCount("spot");
            unknown += m.executorSecondsCount("unknown");
            waits += m.capacityWaits()[0];
            waited += m.capacityWaits()[1];
        }
        assertTrue(onDemandByHand > 0, "the executors ran");
        assertEquals(onDemandByHand, onDemand, 0.001, "on-demand executor-seconds");
        assertEquals(0, spot, "spot executor-seconds");
        assertEquals(0, unknown, "executor-seconds on nodes of unknown capacity type");
        assertEquals(1, waits, "one attempt waited for nodes");
        assertEquals(capacityWait.multipliedBy(2).toSeconds(), waited, 0.001, "the driver's wait, then the executors'");
    }

    /**
     * Issue 10: an object overwritten after its manifest was written and before Spark read it; a driver lost
     * to spark-operator that keeps running beside the rerun and commits its data before dying short of its
     * result record; keys with a space, '+', '=' and non-ASCII letters. The overwritten version is quarantined
     * with none of its rows kept, its new version converts under its own manifest, and every good record of
     * every other file is in the Parquet exactly once.
     */
    @Test
    void anOverwrittenObjectAZombieDriverAndOddKeys() throws Exception {
        long seed = seed();
        try {
            overwrittenZombieOddKeys(new Random(seed));
        } catch (Exception | AssertionError e) {
            throw new AssertionError("failed with seed " + seed + " (rerun it with -Dit.seed=" + seed
                    + " -Dit.test=PipelineFaultsIT#anOverwrittenObjectAZombieDriverAndOddKeys): " + e.getMessage(), e);
        }
    }

    private void overwrittenZombieOddKeys(Random random) throws Exception {
        Instant started = Instant.now();
        pipeline = new Pipeline(new Pipeline.Limits(MAX_CONCURRENT_RUNS, 10, 2, Duration.ofSeconds(6), 6), Set.of());
        InputFiles files = new InputFiles(pipeline.servers.s3(), pipeline.landing);
        List<InputFiles.Upload> uploads = new ArrayList<>();
        for (String key : List.of("events/odd/with space.ndjson", "events/odd/a+b=c.ndjson", "events/odd/ünïcødé-日本語.ndjson",
                "events/odd/100% sure.ndjson")) {
            uploads.add(files.good(key, 40 + random.nextInt(40)));
        }
        uploads.add(files.withBadLines("events/odd/bad lines + more.ndjson", 60 + random.nextInt(30)));
        InputFiles.Upload zombieFile = files.good("events/odd/zombie driver.ndjson", 80 + random.nextInt(40));
        InputFiles.Upload overwritten = files.good("events/odd/over written.ndjson", 60 + random.nextInt(40));
        uploads.add(zombieFile);
        uploads.add(overwritten);
        Map<String, InputFiles.Upload> newVersion = new ConcurrentHashMap<>();
        Set<String> zombieManifests = ConcurrentHashMap.newKeySet();
        operator = new Operator(pipeline.servers.kubernetes.client(), pipeline.namespace, spark,
                (app, attempt, execution) -> {
                    Manifest m = manifestOf(app);
                    boolean overwrites = m.files().stream().anyMatch(f -> f.uri().equals(files.uri(overwritten))
                            && f.etag().equals(overwritten.etag()));
                    if (overwrites && newVersion.isEmpty()) {
                        // Listed and in a manifest; now overwritten before any driver reads it (S3 then notifies again).
                        synchronized (files) {
                            newVersion.put("v2", files.good(overwritten.key(), 50));
                            pipeline.sendIngest(files.notification(newVersion.get("v2")));
                        }
                    }
                    boolean zombie = m.files().stream().anyMatch(f -> f.uri().equals(files.uri(zombieFile)));
                    if (zombie && execution == 1) {
                        zombieManifests.add(m.manifestId());
                        return Fate.ZOMBIE;
                    }
                    return Fate.RUN;
                }, tmp.resolve("spark-logs"));
        pipeline.startBuilder();
        pipeline.startDispatcher();
        List<String> events = new ArrayList<>(uploads.stream().map(files::notification).toList());
        Collections.shuffle(events, random);
        events.forEach(pipeline::sendIngest);

        Map<String, Message> deadLetters = new LinkedHashMap<>();
        awaitLong("every manifest converted, the overwritten file's new version too, and the zombie gone", () -> {
            readDeadLetters(deadLetters);
            InputFiles.Upload v2 = newVersion.get("v2");
            Map<String, Manifest> manifests = manifests();
            Set<String> identities = manifests.values().stream().flatMap(m -> m.files().stream())
                    .map(f -> f.uri() + "|" + f.etag()).collect(Collectors.toSet());
            return v2 != null && identities.contains(files.uri(v2) + "|" + v2.etag())
                    && uploads.stream().allMatch(u -> identities.contains(files.uri(u) + "|" + u.etag()))
                    && manifests.keySet().stream().allMatch(this::resultExists)
                    && pipeline.depth(pipeline.ingestQueue) == 0
                    && pipeline.depth(pipeline.manifestQueue) == 0
                    && applications().stream().allMatch(a -> a.state().isTerminal())
                    && !operator.zombiesRunning();
        });
        List<LocalSparkRunner.Finished> runs = operator.executions();
        stopEverything();
        readDeadLetters(deadLetters);

        assertEquals(Map.of(), deadLetters, "nothing dead-lettered: " + describe(deadLetters));
        InputFiles.Upload v2 = newVersion.get("v2");
        Map<String, Manifest> manifests = manifests();
        Path lake = download(pipeline.lake, "events/", tmp.resolve("lake"));

        // Each version of each file in exactly one manifest.
        Map<String, Integer> perVersion = new TreeMap<>();
        manifests.values().forEach(m -> m.files().forEach(f -> perVersion.merge(f.uri() + "|" + f.etag(), 1, Integer::sum)));
        assertTrue(perVersion.values().stream().allMatch(c -> c == 1), "each version in one manifest: " + perVersion);

        // Every good record exactly once: the odd keys, the zombie's file, the new version; nothing of the old version.
        List<InputFiles.Upload> expected = new ArrayList<>(uploads);
        expected.remove(overwritten);
        expected.add(v2);
        List<Long> rows = Duckdb.longs("SELECT id FROM read_parquet('" + lake + "/events/ingest_date=*/manifest_id=*/*.parquet') ORDER BY id");
        assertEquals(new ArrayList<>(InputFiles.ids(expected)), rows, "record ids in the Parquet output (sorted, duplicates kept)");

        // Every bad line is a bad record with its file (its URI as the manifest writes it) and line number, exactly once
        // (duplicates kept, counted in the Parquet).
        List<String> expectedBad = new ArrayList<>();
        expected.forEach(u -> u.badLines().forEach(line -> expectedBad.add(files.uri(u) + "#" + line)));
        Collections.sort(expectedBad);
        assertFalse(expectedBad.isEmpty());
        List<String> badRecords = Duckdb.strings("SELECT replace(source_file, 's3://', 's3a://') || '#' || "
                + "line_number AS r FROM read_parquet('" + lake + "/events/_bad_records/manifest_id=*/*.parquet') ORDER BY r");
        assertEquals(expectedBad, badRecords, "bad records (file#line, sorted, duplicates kept)");

        // The result records: the old version quarantined as changed, the accounting adds up, the rows match.
        long rowsWritten = 0;
        long bad = 0;
        Map<String, String> quarantined = new TreeMap<>();
        for (String id : manifests.keySet()) {
            JsonNode r = JSON.readTree(lake.resolve("events/_results/" + id + ".json").toFile());
            assertEquals(r.get("linesRead").asLong(), r.get("rowsWritten").asLong() + r.get("badRecords").asLong(),
                    "lines read = rows written + bad records in " + id);
            rowsWritten += r.get("rowsWritten").asLong();
            bad += r.get("badRecords").asLong();
            r.get("quarantinedFiles").forEach(q -> quarantined.put(q.get("path").asText(), q.get("reason").asText()));
        }
        assertEquals(rows.size(), rowsWritten, "rows written in the result records = rows in the Parquet");
        assertEquals(badRecords.size(), bad, "bad records in the result records = bad records in the Parquet");
        assertEquals(Set.of(files.uri(overwritten)), quarantined.keySet(), "quarantined: " + quarantined);
        assertTrue(quarantined.get(files.uri(overwritten)).contains("changed"), quarantined.toString());

        // The zombie did run beside the rerun and committed no result record: it stopped before it (exit 1), was
        // fenced off (exit 3), or found the manifest done when it got going (exit 0); the rerun converted it.
        assertEquals(1, zombieManifests.size(), "one manifest had a zombie driver: " + runs);
        String zombieManifest = zombieManifests.iterator().next();
        // (A zombie is recorded twice: reported lost, exit -1, then its JVM's own exit when it ends.)
        List<LocalSparkRunner.Finished> zombies = runs.stream().filter(e -> e.fate() == Fate.ZOMBIE && e.exitCode() != LocalSparkRunner.LOST)
                .toList();
        assertEquals(1, zombies.size(), "one zombie: " + runs);
        assertTrue(Set.of(0, 1, 3).contains(zombies.get(0).exitCode()), "the zombie's exit: " + runs + "\n" + operator.logTails());
        List<LocalSparkRunner.Finished> reruns = runs.stream().filter(e -> e.manifestId().equals(zombieManifest) && e.fate() == Fate.RUN
                && e.execution() == 2 && e.exitCode() == 0).toList();
        assertEquals(1, reruns.size(), "spark-operator's rerun converted it: " + runs);
        assertTrue(zombies.get(0).overlaps(reruns.get(0)), "the zombie's JVM ran while the rerun's did: zombie "
                + zombies.get(0).started() + " to " + zombies.get(0).ended() + ", rerun " + reruns.get(0).started() + " to "
                + reruns.get(0).ended());
        assertEquals(List.of(), pipeline.unexpectedRestarts(), "restarts nobody planned");
        try (Stream<Path> s = Files.walk(lake)) {
            assertTrue(s.noneMatch(p -> p.toString().contains("_attempts") || p.toString().contains("__magic")),
                    "no attempt markers or committer leftovers");
        }
        System.out.printf("overwritten object, zombie driver (exit %d), odd keys: %d manifest(s), %d row(s), %d Spark run(s), %d s%n",
                zombies.get(0).exitCode(), manifests.size(), rows.size(), runs.size(),
                Duration.between(started, Instant.now()).toSeconds());
    }

    /**
     * A manifest holding files the allow-lists refuse (forged, or listed by an older builder that did not check them)
     * next to good ones, through the real dispatcher and the real Spark application (issue 19, item 2): the good files
     * convert, each refused file is quarantined with its reason in the result record without being read, and nothing
     * is dead-lettered. Before, the dispatcher dead-lettered the whole manifest as poison.
     */
    @Test
    void aManifestWithRefusedFilesConvertsItsGoodFilesAndQuarantinesEachRefusedOne() throws Exception {
        pipeline = new Pipeline(new Pipeline.Limits(MAX_CONCURRENT_RUNS, 10, 2, Duration.ofSeconds(30), 6), Set.of());
        InputFiles landing = new InputFiles(pipeline.servers.s3(), pipeline.landing);
        List<InputFiles.Upload> good = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            good.add(landing.good("events/good-" + i + ".ndjson", 30 + 10 * i));
        }
        // A readable object the Spark application must not read (another bucket), and a key with a backslash under
        // the allowed prefix (the builder used to admit it, the dispatcher refused it; S3Mock cannot store it, so
        // the manifest names it as a forger's would).
        InputFiles.Upload outside = new InputFiles(pipeline.servers.s3(), pipeline.lake).good("stray/secret.ndjson", 25);
        String outsideUri = new StoreUri(pipeline.lake, outside.key()).toUri("s3a");
        String backslash = new StoreUri(pipeline.landing, "events/a\\b.ndjson").toUri("s3a");
        List<ManifestFile> files = new ArrayList<>();
        good.forEach(u -> files.add(new ManifestFile(landing.uri(u), u.size(), u.etag())));
        files.add(1, new ManifestFile(outsideUri, outside.size(), outside.etag()));
        files.add(new ManifestFile(backslash, 25, "0123456789abcdef0123456789abcdef"));
        Manifest m = Manifest.of(Instant.parse("2026-11-26T00:00:00Z"), files, "s3a://" + pipeline.lake + "/events", null);
        StoreUri at = new StoreUri(pipeline.work, "manifests/" + m.manifestId() + ".json");
        pipeline.store.put(at, ManifestCodec.encode(m));
        operator = new Operator(pipeline.servers.kubernetes.client(), pipeline.namespace, spark,
                (app, attempt, execution) -> Fate.RUN, tmp.resolve("spark-logs"));
        pipeline.startDispatcher();
        pipeline.sendManifestMessage(ManifestCodec.encodeMessage(ManifestMessage.of(at.toUri("s3"), m)));

        Map<String, Message> deadLetters = new LinkedHashMap<>();
        await("the result record and an empty manifest queue", () -> {
            readDeadLetters(deadLetters);
            return resultExists(m.manifestId()) && pipeline.depth(pipeline.manifestQueue) == 0;
        });
        // Everything stops before the checks: a late dead letter would have to be there now.
        stopEverything();
        readDeadLetters(deadLetters);
        assertEquals(Map.of(), deadLetters, "nothing dead-lettered: " + describe(deadLetters));
        assertEquals(List.of(), pipeline.unexpectedRestarts(), "restarts nobody planned");

        Path lake = download(pipeline.lake, "events/", tmp.resolve("lake"));
        JsonNode r = JSON.readTree(lake.resolve("events/_results/" + m.manifestId() + ".json").toFile());
        Map<String, String> quarantined = new TreeMap<>();
        r.get("quarantinedFiles").forEach(q -> quarantined.put(q.get("path").asText(), q.get("reason").asText()));
        assertEquals(Set.of(outsideUri, backslash), quarantined.keySet(), quarantined.toString());
        assertTrue(quarantined.get(outsideUri).contains("outside the allowed inputs"), quarantined.toString());
        assertTrue(quarantined.get(backslash).contains("backslash"), quarantined.toString());
        assertEquals(good.size(), r.get("filesConverted").asInt(), r.toString());
        List<Long> rows = Duckdb.longs("SELECT id FROM read_parquet('" + lake + "/events/ingest_date=*/manifest_id=*/*.parquet') ORDER BY id");
        assertEquals(new ArrayList<>(InputFiles.ids(good)), rows, "every record of the good files once, nothing of the refused ones");
        assertEquals(rows.size(), r.get("rowsWritten").asLong());
        List<LocalSparkRunner.Finished> runs = operator.executions();
        assertEquals(1, runs.size(), "one Spark run: " + runs);
        assertEquals(0, runs.get(0).exitCode(), operator.logTails());
    }

    /** Stops the builder, the dispatcher and spark-operator's stand-in (every Spark JVM with it), and waits until they have. */
    private void stopEverything() {
        pipeline.close();
        operator.close();
    }

    private Manifest manifestOf(SparkApplication app) {
        List<String> args = app.getSpec().getArguments();
        return ManifestCodec.decode(pipeline.store.get(StoreUri.parse(args.get(args.indexOf("--manifest") + 1))).orElseThrow());
    }

    private void awaitLong(String what, BooleanSupplier condition) {
        Instant end = Instant.now().plus(TIMEOUT.multipliedBy(2));
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(end)) {
                throw new AssertionError("timed out waiting for " + what + "; applications "
                        + applications().stream().map(a -> a.getMetadata().getName() + "=" + a.state()).toList()
                        + "; runs " + operator.executions() + "\n" + operator.logTails());
            }
            Pipeline.sleep(Duration.ofMillis(500));
        }
    }

    // ---- the operator's faults, decided from the manifest's files ----------------------------

    private final Set<String> stuckManifests = ConcurrentHashMap.newKeySet();
    private final Set<String> lostManifests = ConcurrentHashMap.newKeySet();
    private final Set<String> waitingManifests = ConcurrentHashMap.newKeySet();

    /**
     * The doomed file's manifest loses its driver on every run; a manifest with a "-stuck" file stays SUBMITTED on
     * the dispatcher's first attempt; one with a "-lost" file loses its driver on its first run that gets going.
     */
    private Fate fate(SparkApplication app, int attempt, int execution) {
        List<String> args = app.getSpec().getArguments();
        String manifestUri = args.get(args.indexOf("--manifest") + 1);
        Manifest m = ManifestCodec.decode(pipeline.store.get(StoreUri.parse(manifestUri)).orElseThrow());
        String names = m.files().stream().map(ManifestFile::uri).collect(Collectors.joining(" "));
        boolean stuck = names.contains("-stuck");
        if (names.contains("doomed")) {
            return Fate.DRIVER_LOST;
        }
        if (stuck && attempt == 1) {
            stuckManifests.add(m.manifestId());
            return Fate.STUCK;
        }
        if (names.contains("-waits") && attempt == 1 && execution == 1) {
            waitingManifests.add(m.manifestId());
            return Fate.OVERFLOWS_TO_ON_DEMAND;
        }
        if (names.contains("-lost") && attempt == (stuck ? 2 : 1) && execution == 1) {
            lostManifests.add(m.manifestId());
            return Fate.DRIVER_LOST;
        }
        return Fate.RUN;
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** Sends each file's S3 event; with the duplicate fault, every event twice and all of them shuffled. */
    private void deliver(InputFiles files, List<InputFiles.Upload> uploads, EnumSet<Fault> faults, Random random) {
        List<String> events = new ArrayList<>();
        for (InputFiles.Upload u : uploads) {
            events.add(files.notification(u));
            if (faults.contains(Fault.DUPLICATE_AND_REORDERED_EVENTS)) {
                events.add(files.notification(u));
            }
        }
        if (faults.contains(Fault.DUPLICATE_AND_REORDERED_EVENTS)) {
            Collections.shuffle(events, random);
        }
        events.forEach(pipeline::sendIngest);
    }

    private Map<String, Manifest> manifests() {
        Map<String, Manifest> out = new LinkedHashMap<>();
        for (S3Object o : pipeline.servers.s3().listObjectsV2Paginator(r -> r.bucket(pipeline.work).prefix("manifests/")).contents()) {
            Manifest m = ManifestCodec.decode(pipeline.store.get(new StoreUri(pipeline.work, o.key())).orElseThrow());
            out.put(m.manifestId(), m);
        }
        return out;
    }

    private boolean resultExists(String manifestId) {
        return pipeline.store.head(new StoreUri(pipeline.lake, "events/_results/" + manifestId + ".json")).isPresent();
    }

    private List<SparkApplication> applications() {
        return pipeline.servers.kubernetes.client().resources(SparkApplication.class).inNamespace(pipeline.namespace).list().getItems();
    }

    private void readDeadLetters(Map<String, Message> into) {
        for (Message m : pipeline.servers.sqs().receiveMessage(r -> r.queueUrl(pipeline.deadLetterQueue).maxNumberOfMessages(10)
                .visibilityTimeout(3600).waitTimeSeconds(0).messageAttributeNames("All")).messages()) {
            into.putIfAbsent(m.messageId(), m);
        }
    }

    private static String attribute(Message m, String name) {
        MessageAttributeValue v = m.messageAttributes().get(name);
        return v == null ? null : v.stringValue();
    }

    private static String describe(Map<String, Message> deadLetters) {
        return deadLetters.values().stream().map(m -> {
            Map<String, String> a = new TreeMap<>();
            m.messageAttributes().forEach((k, v) -> a.put(k, v.stringValue()));
            return a + " " + m.body();
        }).collect(Collectors.joining("\n"));
    }

    /** Copies every object under the prefix into {@code dir}, keeping the keys as paths. */
    private Path download(String bucket, String prefix, Path dir) throws IOException {
        for (S3Object o : pipeline.servers.s3().listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents()) {
            if (o.key().endsWith("/")) {
                continue; // a directory marker of S3A
            }
            Path target = dir.resolve(o.key());
            Files.createDirectories(target.getParent());
            Files.write(target, pipeline.store.get(new StoreUri(bucket, o.key())).orElseThrow());
        }
        return dir;
    }

    private void await(String what, BooleanSupplier condition) {
        Instant end = Instant.now().plus(TIMEOUT);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(end)) {
                throw new AssertionError("timed out after " + TIMEOUT + " waiting for " + what + "; applications "
                        + applications().stream().map(a -> a.getMetadata().getName() + "=" + a.state()).toList()
                        + "; runs " + operator.executions() + "\n" + operator.logTails());
            }
            Pipeline.sleep(Duration.ofMillis(500));
        }
    }

}
