package dev.ndjsonparquet.tools.soak;

import dev.ndjsonparquet.controller.builder.BuilderSettings;
import dev.ndjsonparquet.controller.builder.ObjectEvent;
import dev.ndjsonparquet.controller.builder.SizeBand;
import dev.ndjsonparquet.controller.dispatch.ApplicationTemplate;
import dev.ndjsonparquet.controller.dispatch.DispatcherSettings;
import dev.ndjsonparquet.controller.dispatch.Labels;
import dev.ndjsonparquet.controller.k8s.SparkApplication;
import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestCodec;
import dev.ndjsonparquet.settings.SettingsResolver;
import dev.ndjsonparquet.tools.local.FaultPlan;
import dev.ndjsonparquet.tools.local.InProcessS3Template;
import dev.ndjsonparquet.tools.local.LocalSparkRunner;
import dev.ndjsonparquet.tools.local.SparkLaunch;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * One round of the soak: its own buckets, queues and namespace on the shared {@link SoakServers}; generated inputs
 * uploaded and announced (duplicated, reordered, some overwritten later); builder and dispatcher replicas, killed
 * inside calls and doubled at random; the local runner playing spark-operator with lost, stuck and zombie drivers and
 * doomed manifests; dead letters redriven. Ends when everything has settled, then {@link SoakCheck} checks it.
 */
final class SoakRound implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SoakRound.class);
    private static final Duration TICK = Duration.ofMillis(500);
    static final int MAX_ATTEMPTS = 3;

    /** What a round is asked to do. */
    record Plan(int round, int files, long seed, long firstId, Set<SoakInputs.Kind> inputs, Set<SoakOptions.Chaos> chaos,
                int maxFilesPerManifest, int maxBatchAgeSeconds, Instant deadline) {
    }

    private final SoakServers servers;
    private final Plan plan;
    private final SoakCounts counts;
    private final SparkLaunch launch;
    private final Path logs;
    final String landing;
    final String lake;
    final String work;
    final String namespace;
    final String ingestQueue;
    final String ingestDeadLetters;
    final String manifestQueue;
    final String manifestDeadLetters;
    private final BuilderSettings builderSettings;
    private final DispatcherSettings dispatcherSettings;
    private final ApplicationTemplate template;
    private final List<BuilderReplica> builders = new ArrayList<>();
    private final List<DispatcherReplica> dispatchers = new ArrayList<>();
    private final List<Replica> retired = new ArrayList<>();
    private final Map<String, Integer> replicaSeq = new HashMap<>();
    private LocalSparkRunner runner;
    /** Every version uploaded, with its ETag, by key|etag. */
    final Map<String, SoakInputs.Version> versions = new LinkedHashMap<>();
    final Map<String, String> etags = new HashMap<>();
    /** Dead letters taken off the queue (and not redriven since), by message id. */
    final Map<String, Message> deadLetters = new LinkedHashMap<>();
    private final Map<String, Integer> redriven = new HashMap<>();
    final Set<String> poison = new HashSet<>();
    private final Set<String> doomed = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicReference<String> firstManifest = new java.util.concurrent.atomic.AtomicReference<>();

    SoakRound(SoakServers servers, Plan plan, SoakCounts counts, SparkLaunch launch, Path logs) {
        this.servers = servers;
        this.plan = plan;
        this.counts = counts;
        this.launch = launch;
        this.logs = logs;
        String r = "r" + plan.round();
        landing = "soak-landing-" + r;
        lake = "soak-lake-" + r;
        work = "soak-pipeline-" + r;
        namespace = "soak-" + r;
        for (String b : List.of(landing, lake, work)) {
            servers.s3.createBucket(q -> q.bucket(b));
        }
        ingestDeadLetters = queue("soak-ingest-dead-letters-" + r, null);
        ingestQueue = queue("soak-ingest-" + r, ingestDeadLetters);
        manifestDeadLetters = queue("soak-manifests-dead-letters-" + r, null);
        manifestQueue = queue("soak-manifests-" + r, manifestDeadLetters);
        builderSettings = builderSettings();
        dispatcherSettings = dispatcherSettings();
        template = ApplicationTemplate.of("soak template", template(servers.s3ProxyPort()));
    }

    private String queue(String name, String deadLetters) {
        if (deadLetters == null) {
            return servers.sqs.createQueue(q -> q.queueName(name)).queueUrl();
        }
        String arn = servers.sqs.getQueueAttributes(q -> q.queueUrl(deadLetters).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        return servers.sqs.createQueue(q -> q.queueName(name).attributes(Map.of(QueueAttributeName.REDRIVE_POLICY,
                "{\"maxReceiveCount\":\"10\",\"deadLetterTargetArn\":\"" + arn + "\"}"))).queueUrl();
    }

    private BuilderSettings builderSettings() {
        Map<String, String> v = new HashMap<>();
        v.put(BuilderSettings.INGEST_QUEUE_URL.key(), ingestQueue);
        v.put(BuilderSettings.MANIFEST_QUEUE_URL.key(), manifestQueue);
        v.put(BuilderSettings.MANIFEST_LOCATION.key(), "s3://" + work + "/manifests/");
        v.put(BuilderSettings.OUTPUT_LOCATION.key(), "s3a://" + lake + "/events");
        v.put(BuilderSettings.QUARANTINE_LOCATION.key(), "s3://" + work + "/quarantine/");
        v.put(BuilderSettings.LEDGER_LOCATION.key(), "s3://" + work + "/ledger/");
        v.put(BuilderSettings.ALLOWED_INPUTS.key(), "s3://" + landing + "/");
        v.put(BuilderSettings.MAX_FILES_PER_MANIFEST.key(), Integer.toString(plan.maxFilesPerManifest()));
        v.put(BuilderSettings.MAX_BATCH_SIZE_GB.key(), "1024");
        v.put(BuilderSettings.MAX_BATCH_AGE_SECONDS.key(), Integer.toString(plan.maxBatchAgeSeconds()));
        v.put(BuilderSettings.INGEST_VISIBILITY_SECONDS.key(), "20");
        v.put(BuilderSettings.AWS_REGION.key(), SoakServers.REGION);
        v.put(BuilderSettings.LEASE_NAME.key(), "builder");
        return BuilderSettings.from(SettingsResolver.resolve(BuilderSettings.ALL, Map.of(), Map.of(), v), BuilderSettings.ALL)
                .withSizeBand(new SizeBand(SoakInputs.MIN_BYTES, SoakInputs.MAX_BYTES));
    }

    private DispatcherSettings dispatcherSettings() {
        Map<String, String> v = new HashMap<>();
        v.put(DispatcherSettings.MANIFEST_QUEUE_URL.key(), manifestQueue);
        v.put(DispatcherSettings.DEAD_LETTER_QUEUE_URL.key(), manifestDeadLetters);
        v.put(DispatcherSettings.MAX_CONCURRENT_RUNS.key(), "2");
        v.put(DispatcherSettings.VISIBILITY_TIMEOUT_SECONDS.key(), "20");
        v.put(DispatcherSettings.HISTORY_LIMIT.key(), "10000");
        v.put(DispatcherSettings.MAX_ATTEMPTS.key(), Integer.toString(MAX_ATTEMPTS));
        v.put(DispatcherSettings.RETRY_BACKOFF_SECONDS.key(), "1");
        v.put(DispatcherSettings.STUCK_TIMEOUT_SECONDS.key(), "20");
        v.put(DispatcherSettings.MAX_EXECUTORS.key(), "1");
        v.put(DispatcherSettings.ALLOWED_INPUTS.key(), "s3://" + landing + "/");
        v.put(DispatcherSettings.ALLOWED_MANIFESTS.key(), "s3://" + work + "/manifests/");
        v.put(DispatcherSettings.ALLOWED_OUTPUTS.key(), "s3a://" + lake + "/");
        v.put(DispatcherSettings.LEASE_NAME.key(), "dispatcher");
        return DispatcherSettings.from(SettingsResolver.resolve(DispatcherSettings.ALL, Map.of(), Map.of(), v));
    }

    /** The end-to-end template, S3A pointed at the S3 proxy with timeouts a slow call exceeds. */
    private static String template(int s3Port) {
        Map<String, String> timeouts = new LinkedHashMap<>();
        timeouts.put("fs.s3a.connection.request.timeout", "5s");
        timeouts.put("fs.s3a.connection.timeout", "5s");
        timeouts.put("fs.s3a.retry.interval", "200ms");
        return InProcessS3Template.of(s3Port, timeouts);
    }

    // ---- running the round ------------------------------------------------------------------

    /** Runs the round until everything settled (true) or the deadline passed (false). */
    boolean run() {
        Random chaos = new Random(plan.seed() ^ 0x5DEECE66DL);
        SoakInputs inputs = new SoakInputs(plan.seed(), plan.inputs(), "events/", plan.firstId());
        List<SoakInputs.Version> firsts = new ArrayList<>();
        for (int i = 0; i < plan.files(); i++) {
            firsts.add(inputs.file(i));
        }
        uploadAll(firsts);
        // Some plain in-band files without bad lines are overwritten after they were announced, at a random tick.
        Map<Integer, List<SoakInputs.Version>> overwrites = new HashMap<>();
        if (plan.chaos().contains(SoakOptions.Chaos.OVERWRITES)) {
            for (SoakInputs.Version v : firsts) {
                if (v.quarantineReason() == null && v.badLines().isEmpty() && v.compression().equals("none") && chaos.nextDouble() < 0.02) {
                    overwrites.computeIfAbsent(4 + chaos.nextInt(80), k -> new ArrayList<>()).add(v);
                }
            }
        }
        List<String> events = new ArrayList<>();
        for (SoakInputs.Version v : firsts) {
            events.add(SoakInputs.notification(landing, v, etags.get(key(v))));
            if (plan.chaos().contains(SoakOptions.Chaos.DUPLICATE_EVENTS) && chaos.nextDouble() < 0.1) {
                events.add(SoakInputs.notification(landing, v, etags.get(key(v))));
                counts.event("events delivered twice");
            }
        }
        Collections.shuffle(events, chaos);
        events.forEach(e -> counts.event("S3 events sent"));
        if (plan.chaos().contains(SoakOptions.Chaos.POISON)) {
            String body = "this is not a manifest message (round " + plan.round() + ")";
            poison.add(body);
            servers.sqs.sendMessage(q -> q.queueUrl(manifestQueue).messageBody(body));
            counts.event("poison messages sent");
        }

        runner = new LocalSparkRunner(servers.kubernetes("operator"), namespace, launch, logs.resolve("round-" + plan.round()),
                this::fate).start();
        builders.add(newBuilder());
        dispatchers.add(newDispatcher());
        for (int from = 0; from < events.size(); from += 10) {
            List<String> batch = events.subList(from, Math.min(events.size(), from + 10));
            batch.forEach(body -> servers.sqs.sendMessage(q -> q.queueUrl(ingestQueue).messageBody(body)));
        }

        int maxKills = 1 + plan.files() / 1000;
        int builderKills = 0;
        int dispatcherKills = 0;
        int settledLooks = 0;
        int secondUntil = -1;
        for (int tick = 0; ; tick++) {
            if (Instant.now().isAfter(plan.deadline())) {
                return false;
            }
            for (SoakInputs.Version v : overwrites.getOrDefault(tick, List.of())) {
                SoakInputs.Version next = upload(inputs.overwrite(v));
                servers.sqs.sendMessage(q -> q.queueUrl(ingestQueue).messageBody(SoakInputs.notification(landing, next, etags.get(key(next)))));
                counts.event("objects overwritten after they were announced");
            }
            replaceDead(builders);
            replaceDead(dispatchers);
            boolean busy = settledLooks == 0;
            if (plan.chaos().contains(SoakOptions.Chaos.KILLS) && busy) {
                // The first kill of each as soon as it leads (every round has one), further ones at random.
                boolean first = tick >= 10;
                if (builderKills < maxKills && (builderKills == 0 && first || chaos.nextDouble() < 0.01) && arm(builders)) {
                    builderKills++;
                }
                if (dispatcherKills < maxKills && (dispatcherKills == 0 && first || chaos.nextDouble() < 0.01) && arm(dispatchers)) {
                    dispatcherKills++;
                }
            }
            if (plan.chaos().contains(SoakOptions.Chaos.SECOND_REPLICAS)) {
                if (secondUntil < 0 && busy && chaos.nextDouble() < 0.01) {
                    secondUntil = tick + 20 + chaos.nextInt(60);
                    if (chaos.nextBoolean()) {
                        builders.add(newBuilder());
                        counts.event("second builder replicas run");
                    } else {
                        dispatchers.add(newDispatcher());
                        counts.event("second dispatcher replicas run");
                    }
                } else if (tick == secondUntil) {
                    secondUntil = -1;
                    retireExtra(builders);
                    retireExtra(dispatchers);
                }
            }
            takeDeadLetters();
            redriveIngest();
            if (plan.chaos().contains(SoakOptions.Chaos.REDRIVES) && chaos.nextDouble() < 0.1) {
                redriveManifests();
            }
            if (tick % 4 == 3) {
                boolean settled = tick > 90 && overwrites.keySet().stream().allMatch(t -> t < 90) && settled();
                settledLooks = settled ? settledLooks + 1 : 0;
                if (settledLooks >= 2) {
                    return true;
                }
            }
            Replica.sleep(TICK);
        }
    }

    /** Uploads in parallel (the soak's own set-up, not faulted), recording the versions in their order. */
    private void uploadAll(List<SoakInputs.Version> all) {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<String>> etagsOf = new ArrayList<>();
            for (SoakInputs.Version v : all) {
                etagsOf.add(pool.submit(() -> ObjectEvent.normalizeEtag(servers.s3.putObject(q -> q.bucket(landing).key(v.key()),
                        RequestBody.fromBytes(v.content())).eTag())));
            }
            for (int i = 0; i < all.size(); i++) {
                SoakInputs.Version v = all.get(i);
                String etag = etagsOf.get(i).get();
                versions.put(v.key() + "|" + etag, v);
                etags.put(key(v), etag);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("uploading the inputs failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private SoakInputs.Version upload(SoakInputs.Version v) {
        String etag = ObjectEvent.normalizeEtag(servers.s3.putObject(q -> q.bucket(landing).key(v.key()),
                RequestBody.fromBytes(v.content())).eTag());
        versions.put(v.key() + "|" + etag, v);
        etags.put(key(v), etag);
        return v;
    }

    static String key(SoakInputs.Version v) {
        return v.key() + "#" + v.version();
    }

    private BuilderReplica newBuilder() {
        return (BuilderReplica) new BuilderReplica(name("builder"), servers, builderSettings, namespace, counts).start();
    }

    private DispatcherReplica newDispatcher() {
        return (DispatcherReplica) new DispatcherReplica(name("dispatcher"), servers, dispatcherSettings, template, namespace).start();
    }

    private String name(String role) {
        int n = replicaSeq.merge(role, 1, Integer::sum);
        return role + "-r" + plan.round() + "-" + n;
    }

    /** Arms a kill of the replica that leads (it is the one with work in progress). */
    private boolean arm(List<? extends Replica> replicas) {
        for (Replica r : replicas) {
            if (r.isLeader() && !servers.callers.isArmed(r.name)) {
                servers.callers.arm(r.name);
                return true;
            }
        }
        return false;
    }

    /** A killed replica is replaced at once, as Kubernetes restarts a pod. */
    private <R extends Replica> void replaceDead(List<R> replicas) {
        for (int i = 0; i < replicas.size(); i++) {
            R r = replicas.get(i);
            if (r.killed()) {
                retired.add(r);
                @SuppressWarnings("unchecked")
                R fresh = (R) (r instanceof BuilderReplica ? newBuilder() : newDispatcher());
                replicas.set(i, fresh);
                counts.event((r instanceof BuilderReplica ? "builder" : "dispatcher") + " kills (each inside a call that changes something)");
            }
        }
    }

    private <R extends Replica> void retireExtra(List<R> replicas) {
        while (replicas.size() > 1) {
            R r = replicas.remove(replicas.size() - 1);
            r.stop();
            retired.add(r);
        }
    }

    /** Takes every dead letter off the dead-letter queue, keeping it (with its attributes) for the report or a redrive. */
    private void takeDeadLetters() {
        while (true) {
            List<Message> got = servers.sqs.receiveMessage(q -> q.queueUrl(manifestDeadLetters).maxNumberOfMessages(10)
                    .waitTimeSeconds(0).visibilityTimeout(60).messageAttributeNames("All")).messages();
            if (got.isEmpty()) {
                return;
            }
            for (Message m : got) {
                deadLetters.put(m.messageId(), m);
                counts.event("dead letters received (" + attribute(m, "cause") + ")");
                servers.sqs.deleteMessage(q -> q.queueUrl(manifestDeadLetters).receiptHandle(m.receiptHandle()));
            }
        }
    }

    /** An operator's redrive of every dead letter not redriven yet: body and attributes back on the manifest queue. */
    private void redriveManifests() {
        for (var it = deadLetters.values().iterator(); it.hasNext(); ) {
            Message m = it.next();
            String key = m.body() + "|" + attribute(m, "manifestId");
            if (redriven.getOrDefault(key, 0) >= 1) {
                continue;
            }
            redriven.merge(key, 1, Integer::sum);
            Map<String, MessageAttributeValue> attributes = m.messageAttributes();
            servers.sqs.sendMessage(q -> q.queueUrl(manifestQueue).messageBody(m.body()).messageAttributes(attributes));
            it.remove();
            counts.event("dead letters redriven");
        }
    }

    /** Ingest messages the redrive policy moved aside come back: an operator redrives them (their files must not be lost). */
    private void redriveIngest() {
        List<Message> got = servers.sqs.receiveMessage(q -> q.queueUrl(ingestDeadLetters).maxNumberOfMessages(10)
                .waitTimeSeconds(0).messageAttributeNames("All")).messages();
        for (Message m : got) {
            servers.sqs.sendMessage(q -> q.queueUrl(ingestQueue).messageBody(m.body()));
            servers.sqs.deleteMessage(q -> q.queueUrl(ingestDeadLetters).receiptHandle(m.receiptHandle()));
            counts.event("ingest dead letters redriven");
        }
    }

    static String attribute(Message m, String name) {
        MessageAttributeValue v = m.messageAttributes().get(name);
        return v == null ? null : v.stringValue();
    }

    // ---- spark-operator's faults ----------------------------------------------------------------

    /**
     * Each execution's fate, from the seed and the application: a few lose their driver, a few leave a zombie driver
     * running beside the rerun, a few stay SUBMITTED on their first attempt; a doomed manifest (the round's first, and a
     * few others) loses its driver on every run of its first round of attempts (dead-lettered), and converts once
     * redriven.
     */
    private FaultPlan.Fate fate(SparkApplication app, int attempt, int execution) {
        if (!plan.chaos().contains(SoakOptions.Chaos.DRIVERS)) {
            return FaultPlan.Fate.RUN;
        }
        String id = app.getMetadata().getLabels() == null ? "" : app.getMetadata().getLabels().getOrDefault(Labels.MANIFEST_ID, "");
        SplittableRandom m = new SplittableRandom(FaultSchedule.mix(plan.seed(), id.hashCode(), 7));
        firstManifest.compareAndSet(null, id);
        if (plan.chaos().contains(SoakOptions.Chaos.REDRIVES) && (id.equals(firstManifest.get()) || m.nextDouble() < 0.08)
                && attempt <= MAX_ATTEMPTS) {
            if (doomed.add(id)) {
                counts.event("manifests doomed (every driver lost until redriven)");
            }
            counts.event("drivers lost");
            return FaultPlan.Fate.DRIVER_LOST;
        }
        SplittableRandom r = new SplittableRandom(FaultSchedule.mix(plan.seed(), app.getMetadata().getName().hashCode(), execution));
        double x = r.nextDouble();
        FaultPlan.Fate fate = attempt == 1 && execution == 1 && x < 0.04 ? FaultPlan.Fate.STUCK
                : x < 0.10 ? FaultPlan.Fate.DRIVER_LOST
                : x < 0.15 && !runner.zombiesRunning() ? FaultPlan.Fate.ZOMBIE
                : FaultPlan.Fate.RUN;
        switch (fate) {
            case STUCK -> counts.event("applications stuck in SUBMITTED");
            case DRIVER_LOST -> counts.event("drivers lost");
            case ZOMBIE -> counts.event("zombie drivers left running beside the rerun");
            default -> { }
        }
        return fate;
    }

    // ---- settling -------------------------------------------------------------------------------

    /** Manifests written so far, by id. */
    Map<String, Manifest> manifests() {
        Map<String, Manifest> out = new LinkedHashMap<>();
        for (S3Object o : servers.s3.listObjectsV2Paginator(q -> q.bucket(work).prefix("manifests/")).contents()) {
            byte[] bytes = servers.s3.getObjectAsBytes(q -> q.bucket(work).key(o.key())).asByteArray();
            Manifest m = ManifestCodec.decode(bytes);
            out.put(m.manifestId(), m);
        }
        return out;
    }

    Set<String> keys(String bucket, String prefix) {
        return servers.s3.listObjectsV2Paginator(q -> q.bucket(bucket).prefix(prefix)).contents().stream().map(S3Object::key)
                .collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    long depth(String url) {
        Map<QueueAttributeName, String> a = servers.sqs.getQueueAttributes(q -> q.queueUrl(url).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return a.values().stream().mapToLong(Long::parseLong).sum();
    }

    List<SparkApplication> applications() {
        return servers.kubernetes().resources(SparkApplication.class).inNamespace(namespace).list().getItems();
    }

    /** Spark executions that ended (a zombie's own end counted too). */
    long sparkRuns() {
        return runner == null ? 0 : runner.finished().size();
    }

    boolean zombiesRunning() {
        return runner != null && runner.zombiesRunning();
    }

    /** Dead-lettered manifest ids (cause failed) among the dead letters held. */
    Set<String> deadLetteredManifests() {
        return deadLetters.values().stream().filter(m -> "failed".equals(attribute(m, "cause"))).map(m -> attribute(m, "manifestId"))
                .collect(Collectors.toSet());
    }

    private final Set<String> resultsSeen = new HashSet<>();

    /**
     * Nothing left to do: every version uploaded is in a manifest or quarantined, every manifest converted or
     * dead-lettered (and redriven once), the queues empty, no open batch, no application or zombie running.
     */
    private boolean settled() {
        if (depth(ingestQueue) > 0 || depth(manifestQueue) > 0 || depth(ingestDeadLetters) > 0) {
            return false;
        }
        Map<String, Manifest> manifests = manifests();
        Set<String> listed = manifests.values().stream().flatMap(m -> m.files().stream()).map(f -> f.uri() + "|" + f.etag())
                .collect(Collectors.toSet());
        Set<String> quarantined = new HashSet<>();
        for (String k : keys(work, "quarantine/records/")) {
            quarantined.add(k);
        }
        long accountedQuarantine = quarantined.size();
        long inBand = versions.values().stream().filter(v -> v.quarantineReason() == null).count();
        long outOfBand = versions.size() - inBand;
        for (Map.Entry<String, SoakInputs.Version> e : versions.entrySet()) {
            SoakInputs.Version v = e.getValue();
            String etag = e.getKey().substring(e.getKey().lastIndexOf('|') + 1);
            if (v.quarantineReason() == null && !listed.contains(SoakInputs.uri(landing, v.key()) + "|" + etag)) {
                return false;
            }
        }
        if (accountedQuarantine < outOfBand) {
            return false;
        }
        Set<String> dead = deadLetteredManifests();
        for (String id : manifests.keySet()) {
            if (resultsSeen.contains(id)) {
                continue;
            }
            if (!keys(lake, "events/_results/" + id + ".json").isEmpty()) {
                resultsSeen.add(id);
            } else if (!dead.contains(id)) {
                return false;
            }
        }
        if (plan.chaos().contains(SoakOptions.Chaos.REDRIVES)
                && deadLetters.values().stream().anyMatch(m -> redriven.getOrDefault(m.body() + "|" + attribute(m, "manifestId"), 0) == 0)) {
            return false;
        }
        if (!keys(work, "ledger/batches/open/").isEmpty()) {
            return false;
        }
        return applications().stream().allMatch(a -> a.state().isTerminal() || a.suspendRequested()) && !zombiesRunning();
    }

    /** Every replica and the runner stopped; nothing of this round runs any more. */
    @Override
    public void close() {
        List<Replica> all = new ArrayList<>(retired);
        all.addAll(builders);
        all.addAll(dispatchers);
        all.forEach(Replica::stop);
        all.forEach(Replica::close);
        if (runner != null) {
            runner.close();
        }
    }

    String describeState() {
        return "applications " + applications().stream().map(a -> a.getMetadata().getName() + "=" + a.state()).toList()
                + "; ingest queue " + depth(ingestQueue) + ", manifest queue " + depth(manifestQueue)
                + "; open batches " + keys(work, "ledger/batches/open/") + "; dead letters held " + deadLetters.size();
    }
}
