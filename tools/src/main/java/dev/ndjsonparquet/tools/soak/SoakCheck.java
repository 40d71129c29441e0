package dev.ndjsonparquet.tools.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ndjsonparquet.manifest.Manifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The soak's invariant, checked on what a settled round left: the Parquet read back (DuckDB, duplicates kept) holds every
 * good line of every converted file version exactly once and nothing else, the bad records every bad line exactly
 * once; every version is converted, quarantined or dead-lettered with a reason; the result records add up; the queues
 * are empty, no batch is open and no application runs. Rows of a manifest without a result record are left aside, as
 * the reader contract says (a run that did not finish).
 */
final class SoakCheck {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SoakCheck() {
    }

    static RoundResult check(SoakRound round, S3Client s3, Path dir, long seed, int round_, int files, long sparkRuns) {
        List<String> problems = new ArrayList<>();
        Map<String, Manifest> manifests = round.manifests();
        Path lake = download(s3, round.lake, "events/", dir.resolve("lake"));

        // Result records.
        Map<String, JsonNode> results = new HashMap<>();
        Path resultsDir = lake.resolve("events/_results");
        for (Path p : list(resultsDir)) {
            JsonNode r = read(p);
            String id = p.getFileName().toString().replaceFirst("\\.json$", "");
            results.put(id, r);
            if (r.get("linesRead").asLong() != r.get("rowsWritten").asLong() + r.get("badRecords").asLong()) {
                problems.add("result record of " + id + ": lines read " + r.get("linesRead") + " != rows " + r.get("rowsWritten")
                        + " + bad records " + r.get("badRecords"));
            }
        }
        Set<String> deadLettered = round.deadLetteredManifests();
        Map<String, String> deadReasons = new HashMap<>();
        for (Message m : round.deadLetters.values()) {
            String reason = SoakRound.attribute(m, "reason");
            if (reason == null || reason.isBlank()) {
                problems.add("a dead letter without a reason: " + m.body());
            }
            if ("failed".equals(SoakRound.attribute(m, "cause"))) {
                deadReasons.put(SoakRound.attribute(m, "manifestId"), reason);
            } else if (!round.poison.contains(m.body())) {
                problems.add("a dead letter that is neither a failed manifest nor the poison message: " + m.body());
            }
        }
        for (String p : round.poison) {
            if (round.deadLetters.values().stream().noneMatch(m -> m.body().equals(p) && "poison".equals(SoakRound.attribute(m, "cause")))) {
                problems.add("the poison message is not a dead letter with cause poison");
            }
        }

        // Builder quarantine records, by key|etag.
        Map<String, String> builderQuarantine = new HashMap<>();
        for (String k : round.keys(round.work, "quarantine/records/")) {
            JsonNode r = JSON.valueToTree(readJson(s3, round.work, k));
            builderQuarantine.put(r.get("key").asText() + "|" + r.get("etag").asText(), r.get("reason").asText());
        }

        // Where each version went.
        Map<String, List<String>> manifestsOf = new HashMap<>();
        manifests.forEach((id, m) -> m.files().forEach(f -> manifestsOf.computeIfAbsent(f.uri() + "|" + f.etag(), x -> new ArrayList<>()).add(id)));
        Map<String, Long> outcomes = new TreeMap<>();
        Map<Long, Integer> expectedIds = new HashMap<>();
        Map<String, Integer> expectedBad = new HashMap<>();
        long goodLines = 0;
        long badLines = 0;
        for (Map.Entry<String, SoakInputs.Version> e : round.versions.entrySet()) {
            SoakInputs.Version v = e.getValue();
            goodLines += v.goodIds().size();
            badLines += v.badLines().size();
            String etag = e.getKey().substring(e.getKey().lastIndexOf('|') + 1);
            String uri = SoakInputs.uri(round.landing, v.key());
            List<String> in = manifestsOf.getOrDefault(uri + "|" + etag, List.of());
            String quarantined = builderQuarantine.get(v.key() + "|" + etag);
            String outcome;
            if (v.quarantineReason() != null) {
                outcome = "quarantined by the builder: " + quarantined;
                if (!v.quarantineReason().equals(quarantined)) {
                    problems.add(uri + " (outside the size band) has quarantine reason " + quarantined + ", expected " + v.quarantineReason());
                }
                if (!in.isEmpty()) {
                    problems.add(uri + " (outside the size band) is in manifest(s) " + in);
                }
            } else if (in.size() != 1) {
                outcome = in.isEmpty() ? "in no manifest" : "in several manifests";
                problems.add(uri + " (version " + v.version() + ") is in " + in.size() + " manifests: " + in
                        + (quarantined != null ? " (quarantined by the builder: " + quarantined + ")" : ""));
            } else if (results.containsKey(in.get(0))) {
                String driverReason = null;
                for (JsonNode q : results.get(in.get(0)).path("quarantinedFiles")) {
                    if (q.get("path").asText().equals(uri)) {
                        driverReason = q.get("reason").asText();
                    }
                }
                if (driverReason != null) {
                    boolean overwritten = round.versions.values().stream().anyMatch(o -> o.key().equals(v.key()) && o.version() > v.version());
                    outcome = "quarantined by the driver: " + (driverReason.contains("changed") ? "object changed" : driverReason);
                    if (!overwritten || !driverReason.contains("changed")) {
                        problems.add(uri + " (version " + v.version() + ", " + v.compression() + ") quarantined by the driver: " + driverReason);
                    }
                } else {
                    outcome = "converted";
                    v.goodIds().forEach(id -> expectedIds.merge(id, 1, Integer::sum));
                    v.badLines().forEach(l -> expectedBad.merge(uri + "#" + l, 1, Integer::sum));
                }
            } else if (deadLettered.contains(in.get(0))) {
                String reason = deadReasons.get(in.get(0));
                outcome = "dead-lettered: " + (reason == null ? "no reason" : reason.replaceAll("[0-9a-f]{12,}", "…"));
            } else {
                outcome = "in a manifest neither converted nor dead-lettered";
                problems.add(uri + ": its manifest " + in.get(0) + " has no result record and no dead letter");
            }
            outcomes.merge(shorten(outcome), 1L, Long::sum);
        }

        // The Parquet, duplicates kept; only manifests with a result record count.
        Map<Long, Integer> found = new HashMap<>();
        long rows = 0;
        long leftover = 0;
        for (Object[] row : query(lake.resolve("events"), "ingest_date=*/manifest_id=*/*.parquet",
                "SELECT id, regexp_extract(filename, 'manifest_id=([^/]+)', 1) FROM read_parquet('%s', filename = true)")) {
            if (results.containsKey((String) row[1])) {
                found.merge((Long) row[0], 1, Integer::sum);
                rows++;
            } else {
                leftover++;
            }
        }
        long lost = 0;
        long duplicated = 0;
        long unexpected = 0;
        for (Map.Entry<Long, Integer> e : expectedIds.entrySet()) {
            int f = found.getOrDefault(e.getKey(), 0);
            lost += Math.max(0, e.getValue() - f);
            duplicated += Math.max(0, f - e.getValue());
        }
        for (Map.Entry<Long, Integer> e : found.entrySet()) {
            if (!expectedIds.containsKey(e.getKey())) {
                unexpected += e.getValue();
            }
        }
        long resultRows = results.values().stream().mapToLong(r -> r.get("rowsWritten").asLong()).sum();
        if (resultRows != rows) {
            problems.add("rows in the result records " + resultRows + " != rows in the Parquet " + rows);
        }
        Map<String, Integer> badFound = new HashMap<>();
        long badRecords = 0;
        for (Object[] row : query(lake.resolve("events/_bad_records"), "manifest_id=*/*.parquet",
                "SELECT replace(source_file, 's3://', 's3a://') || '#' || line_number, regexp_extract(filename, 'manifest_id=([^/]+)', 1) "
                        + "FROM read_parquet('%s', filename = true)")) {
            if (results.containsKey((String) row[1])) {
                badFound.merge((String) row[0], 1, Integer::sum);
                badRecords++;
            }
        }
        long badLost = 0;
        long badDuplicated = 0;
        for (Map.Entry<String, Integer> e : expectedBad.entrySet()) {
            int f = badFound.getOrDefault(e.getKey(), 0);
            badLost += Math.max(0, e.getValue() - f);
            badDuplicated += Math.max(0, f - e.getValue());
        }
        for (Map.Entry<String, Integer> e : badFound.entrySet()) {
            if (!expectedBad.containsKey(e.getKey())) {
                badDuplicated += e.getValue();
                problems.add("an unexpected bad record: " + e.getKey());
            }
        }
        if (lost > 0) {
            problems.add(lost + " good line(s) lost, e.g. ids " + expectedIds.keySet().stream()
                    .filter(id -> found.getOrDefault(id, 0) < expectedIds.get(id)).sorted().limit(5).toList());
        }
        if (duplicated > 0) {
            problems.add(duplicated + " good line(s) duplicated");
        }
        if (unexpected > 0) {
            problems.add(unexpected + " row(s) of no converted file version");
        }
        if (badLost > 0) {
            problems.add(badLost + " bad line(s) without a bad record, e.g. " + expectedBad.keySet().stream()
                    .filter(k -> badFound.getOrDefault(k, 0) < expectedBad.get(k)).sorted().limit(3).toList());
        }
        if (badDuplicated > 0) {
            problems.add(badDuplicated + " bad record(s) duplicated or unexpected");
        }

        // Nothing left over.
        for (String q : List.of(round.ingestQueue, round.manifestQueue, round.ingestDeadLetters, round.manifestDeadLetters)) {
            if (round.depth(q) != 0) {
                problems.add("queue " + q + " holds " + round.depth(q) + " message(s)");
            }
        }
        if (!round.keys(round.work, "ledger/batches/open/").isEmpty()) {
            problems.add("open batches left: " + round.keys(round.work, "ledger/batches/open/"));
        }
        var running = round.applications().stream().filter(a -> !a.state().isTerminal() && !a.suspendRequested())
                .map(a -> a.getMetadata().getName() + "=" + a.state()).toList();
        if (!running.isEmpty()) {
            problems.add("applications still running: " + running);
        }
        return new RoundResult(round_, seed, files, round.versions.size(), goodLines, badLines, rows, badRecords, lost, duplicated,
                unexpected, badLost, badDuplicated, leftover, outcomes, manifests.size(), round.applications().size(), sparkRuns,
                problems);
    }

    private static String shorten(String outcome) {
        return outcome.length() > 90 ? outcome.substring(0, 90) + "…" : outcome;
    }

    private static List<Object[]> query(Path root, String glob, String sql) {
        List<Object[]> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("SET threads=1");
            try (ResultSet r = st.executeQuery(sql.formatted(root + "/" + glob))) {
                while (r.next()) {
                    out.add(new Object[] {r.getObject(1), r.getString(2)});
                }
            }
        } catch (SQLException e) {
            if (e.getMessage() != null && e.getMessage().contains("No files found")) {
                return out;
            }
            throw new IllegalStateException(sql, e);
        }
        return out;
    }

    private static Path download(S3Client s3, String bucket, String prefix, Path dir) {
        try {
            for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents()) {
                if (o.key().endsWith("/")) {
                    continue; // a directory marker of S3A
                }
                Path target = dir.resolve(o.key());
                Files.createDirectories(target.getParent());
                Files.write(target, s3.getObjectAsBytes(r -> r.bucket(bucket).key(o.key())).asByteArray());
            }
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    private static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode read(Path p) {
        try {
            return JSON.readTree(p.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode readJson(S3Client s3, String bucket, String key) {
        try {
            return JSON.readTree(s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
