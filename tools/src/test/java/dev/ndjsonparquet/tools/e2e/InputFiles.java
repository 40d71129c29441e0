package dev.ndjsonparquet.tools.e2e;

import dev.ndjsonparquet.controller.builder.ObjectEvent;
import dev.ndjsonparquet.controller.builder.StoreUri;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The NDJSON files of a scenario and what each must become: the ids of its good records, its bad lines (line
 * numbers, 1-based over physical lines), and its non-blank line count. Every record id is unique in a scenario.
 */
final class InputFiles {

    /** One uploaded file. */
    record Upload(String key, long size, String etag, List<Long> goodIds, List<Long> badLines, long nonBlankLines) {
    }

    private final S3Client s3;
    private final String bucket;
    private final Map<String, Upload> uploads = new LinkedHashMap<>();
    private long nextId = 1;

    InputFiles(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    Map<String, Upload> uploads() {
        return uploads;
    }

    /** A file of {@code lines} good records. */
    Upload good(String key, int lines) {
        StringBuilder b = new StringBuilder();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < lines; i++) {
            ids.add(line(b, key));
        }
        return put(key, b.toString().getBytes(StandardCharsets.UTF_8), ids, List.of(), lines);
    }

    /** Good records with bad lines among them (invalid JSON, trailing garbage, an array, plain text) and a blank line. */
    Upload withBadLines(String key, int lines) {
        String[] bad = {"{\"id\": 17, \"name\": ", "{\"id\":99999999} trailing", "[1,2,3]", "just some text", "{\"a\":1}{\"b\":2}"};
        StringBuilder b = new StringBuilder();
        List<Long> ids = new ArrayList<>();
        List<Long> badLines = new ArrayList<>();
        long physical = 0;
        long nonBlank = 0;
        for (int i = 0; i < lines; i++) {
            physical++;
            nonBlank++;
            if (i % 9 == 4 && badLines.size() < bad.length) {
                b.append(bad[badLines.size()]).append('\n');
                badLines.add(physical);
            } else if (i == 20) {
                b.append('\n'); // a blank line: neither a row nor a bad record
                nonBlank--;
            } else {
                ids.add(line(b, key));
            }
        }
        return put(key, b.toString().getBytes(StandardCharsets.UTF_8), ids, badLines, nonBlank);
    }

    /** A gzip file cut in the middle: unreadable, so its records are expected nowhere. */
    Upload corruptGzip(String key, int lines) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            line(b, key);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(b.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] whole = out.toByteArray();
        return put(key, Arrays.copyOf(whole, whole.length / 2), List.of(), List.of(), 0);
    }

    private long line(StringBuilder b, String key) {
        long id = nextId++;
        b.append("{\"id\":").append(id).append(",\"source\":\"").append(key).append("\",\"amount\":").append(id * 7 % 1000)
                .append(".5,\"tags\":[\"a\",\"b\"],\"nested\":{\"ok\":true}}\n");
        return id;
    }

    private Upload put(String key, byte[] content, List<Long> ids, List<Long> badLines, long nonBlank) {
        String etag = ObjectEvent.normalizeEtag(s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromBytes(content)).eTag());
        Upload u = new Upload(key, content.length, etag, List.copyOf(ids), List.copyOf(badLines), nonBlank);
        uploads.put(key, u);
        return u;
    }

    /** The S3 ObjectCreated notification of an upload, as S3 sends it to SQS (the key URL-encoded, a space as '+'). */
    String notification(Upload u) {
        return """
                {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1","eventTime":"2026-11-26T00:00:00.000Z",
                 "eventName":"ObjectCreated:Put","s3":{"s3SchemaVersion":"1.0","bucket":{"name":"%s","arn":"arn:aws:s3:::%s"},
                 "object":{"key":"%s","size":%d,"eTag":"%s","sequencer":"0055AED6DCD90281E5"}}}]}"""
                .formatted(bucket, bucket, URLEncoder.encode(u.key(), StandardCharsets.UTF_8).replace("%2F", "/"), u.size(),
                        u.etag());
    }

    /** The file's URI as manifests write it (characters a URI path cannot hold percent-encoded). */
    String uri(Upload u) {
        return new StoreUri(bucket, u.key()).toUri("s3a");
    }

    static TreeSet<Long> ids(Iterable<Upload> uploads) {
        TreeSet<Long> out = new TreeSet<>();
        uploads.forEach(u -> out.addAll(u.goodIds()));
        return out;
    }
}
