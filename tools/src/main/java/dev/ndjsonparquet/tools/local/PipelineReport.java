package dev.ndjsonparquet.tools.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ndjsonparquet.controller.builder.ObjectStore;
import dev.ndjsonparquet.controller.builder.QuarantineReason;
import dev.ndjsonparquet.controller.k8s.ApplicationState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * What a local run did, read from where the pipeline records it: the builder's counters and quarantine
 * records, the runs of {@link LocalSparkRunner}, each converted manifest's result record
 * ({@code <output>/_results/<manifestId>.json}) and the dead-letter queue.
 */
public final class PipelineReport {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One manifest's result record, the fields the summary uses, and the whole run of its application:
     * {@code runMillis} from the Spark JVM's launch to its exit, of which the driver spent {@code planMillis}
     * planning (manifest, file checks, schema), {@code convertMillis} converting and {@code finishMillis}
     * committing (bad records, checks, the result record); the rest is JVM and Spark start-up and shut-down.
     */
    public record Result(String manifestId, long linesRead, long rowsWritten, long badRecords, long bytesIn, long bytesOut,
                         long planMillis, long convertMillis, long finishMillis, long runMillis, List<String> quarantinedFiles) {

        /** Launch to exit, less what the driver accounted for. */
        public long startupMillis() {
            return Math.max(0, runMillis - planMillis - convertMillis - finishMillis);
        }
    }

    /** Where the Spark runs' time went, summed over the converted manifests. */
    public record TimeSpent(long runMillis, long startupMillis, long planMillis, long convertMillis, long finishMillis) {
        static TimeSpent of(List<Result> results) {
            return new TimeSpent(results.stream().mapToLong(Result::runMillis).sum(),
                    results.stream().mapToLong(Result::startupMillis).sum(),
                    results.stream().mapToLong(Result::planMillis).sum(),
                    results.stream().mapToLong(Result::convertMillis).sum(),
                    results.stream().mapToLong(Result::finishMillis).sum());
        }
    }

    /** A file the builder quarantined. */
    public record Quarantined(String source, String reason, String detail) {
    }

    /** What the progress line shows. */
    public record Snapshot(long offered, long batched, long quarantined, long manifests, int running, long completed,
                           long failed, long rows, long bytesIn, Duration elapsed) {
        public double megabytesPerSecond() {
            double s = elapsed.toMillis() / 1000.0;
            return s <= 0 ? 0 : bytesIn / 1e6 / s;
        }
    }

    /** The end of a run. */
    public record Summary(Snapshot totals, long duplicates, List<Result> results, List<Quarantined> quarantined,
                          List<LocalSparkRunner.Finished> failedRuns, List<String> deadLettered) {
        public long linesRead() {
            return results.stream().mapToLong(Result::linesRead).sum();
        }

        public long rows() {
            return results.stream().mapToLong(Result::rowsWritten).sum();
        }

        public long badRecords() {
            return results.stream().mapToLong(Result::badRecords).sum();
        }

        public long bytesIn() {
            return results.stream().mapToLong(Result::bytesIn).sum();
        }

        public long bytesOut() {
            return results.stream().mapToLong(Result::bytesOut).sum();
        }

        public TimeSpent timeSpent() {
            return TimeSpent.of(results);
        }

        public boolean succeeded() {
            return deadLettered.isEmpty() && results.size() == totals.manifests();
        }
    }

    private final LocalPipeline pipeline;
    private final Instant since;
    private final Map<String, Result> results = new HashMap<>();
    private final List<String> deadLettered = new ArrayList<>();

    public PipelineReport(LocalPipeline pipeline, Instant since) {
        this.pipeline = pipeline;
        this.since = since;
    }

    public synchronized Snapshot snapshot() {
        var m = pipeline.builderMetrics();
        long quarantined = 0;
        for (QuarantineReason r : QuarantineReason.values()) {
            quarantined += (long) m.quarantinedCount(r);
        }
        long completed = 0;
        long failed = 0;
        long rows = 0;
        long bytesIn = 0;
        for (LocalSparkRunner.Finished f : pipeline.runner().finished()) {
            if (f.state() == ApplicationState.COMPLETED) {
                completed++;
                Result r = result(f.manifestId());
                if (r != null) {
                    rows += r.rowsWritten();
                    bytesIn += r.bytesIn();
                }
            } else {
                failed++;
            }
        }
        Instant start = pipeline.firstOffer() == null ? Instant.now() : pipeline.firstOffer();
        return new Snapshot(pipeline.offered(), (long) m.acceptedCount(), quarantined, (long) m.manifestCount(),
                pipeline.runner().running(), completed, failed, rows, bytesIn, Duration.between(start, Instant.now()));
    }

    public synchronized Summary summary() {
        Snapshot s = snapshot();
        List<Result> done = new ArrayList<>();
        for (LocalSparkRunner.Finished f : pipeline.runner().finished()) {
            Result r = f.state() == ApplicationState.COMPLETED ? result(f.manifestId()) : null;
            if (r != null && done.stream().noneMatch(d -> d.manifestId().equals(f.manifestId()))) {
                done.add(withRun(r, f.took()));
            }
        }
        List<LocalSparkRunner.Finished> failed = pipeline.runner().finished().stream()
                .filter(f -> f.state() != ApplicationState.COMPLETED).toList();
        drainDeadLetters();
        return new Summary(s, (long) pipeline.builderMetrics().duplicateCount(), done, quarantined(), failed,
                List.copyOf(deadLettered));
    }

    private Result result(String manifestId) {
        if (manifestId == null) {
            return null;
        }
        Result cached = results.get(manifestId);
        if (cached != null) {
            return cached;
        }
        Path file = pipeline.layout().output().resolve("_results").resolve(manifestId + ".json");
        try {
            JsonNode n = JSON.readTree(Files.readAllBytes(file));
            List<String> q = new ArrayList<>();
            n.path("quarantinedFiles").forEach(f -> q.add(f.path("path").asText() + ": " + f.path("reason").asText()));
            JsonNode d = n.path("durationsMs");
            Result r = new Result(manifestId, n.path("linesRead").asLong(), n.path("rowsWritten").asLong(),
                    n.path("badRecords").asLong(), n.path("bytesIn").asLong(), n.path("bytesOut").asLong(),
                    d.path("plan").asLong(), d.path("convert").asLong(), d.path("finish").asLong(), 0, q);
            results.put(manifestId, r);
            return r;
        } catch (IOException e) {
            return null; // not written yet
        }
    }

    private static Result withRun(Result r, Duration took) {
        long run = took == null ? 0 : took.toMillis();
        return new Result(r.manifestId(), r.linesRead(), r.rowsWritten(), r.badRecords(), r.bytesIn(), r.bytesOut(),
                r.planMillis(), r.convertMillis(), r.finishMillis(),
                Math.max(run, r.planMillis() + r.convertMillis() + r.finishMillis()), r.quarantinedFiles());
    }

    private List<Quarantined> quarantined() {
        List<Quarantined> out = new ArrayList<>();
        var records = pipeline.builderSettings().quarantineLocation().child("records/");
        for (ObjectStore.ObjectInfo info : pipeline.store().list(records)) {
            pipeline.store().get(info.location()).ifPresent(bytes -> {
                try {
                    JsonNode n = JSON.readTree(bytes);
                    Instant at = Instant.parse(n.path("quarantinedAt").asText(Instant.EPOCH.toString()));
                    if (!at.isBefore(since)) {
                        out.add(new Quarantined(n.path("source").asText(), n.path("reason").asText(), n.path("detail").asText()));
                    }
                } catch (IOException | RuntimeException e) {
                    out.add(new Quarantined(info.location().toString(), "unknown", "unreadable reason record"));
                }
            });
        }
        return out;
    }

    private void drainDeadLetters() {
        while (true) {
            List<Message> batch = pipeline.sqs().receiveMessage(r -> r.queueUrl(pipeline.deadLetterUrl())
                    .maxNumberOfMessages(10).waitTimeSeconds(0).messageAttributeNames("All")).messages();
            if (batch.isEmpty()) {
                return;
            }
            for (Message m : batch) {
                Map<String, MessageAttributeValue> a = m.messageAttributes();
                deadLettered.add(attr(a, "manifestId") + " (" + attr(a, "cause") + "): " + attr(a, "reason"));
                pipeline.sqs().deleteMessage(r -> r.queueUrl(pipeline.deadLetterUrl()).receiptHandle(m.receiptHandle()));
            }
        }
    }

    private static String attr(Map<String, MessageAttributeValue> a, String name) {
        MessageAttributeValue v = a.get(name);
        return v == null ? "-" : v.stringValue();
    }

    static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
