package dev.ndjsonparquet.controller.builder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an SQS message body into the objects it reports as created. Understands:
 * <ul>
 *   <li>S3 event notifications: {@code {"Records":[...]}}, any number of records, only
 *       {@code ObjectCreated:*} ones kept;</li>
 *   <li>the S3 test event {@code {"Event":"s3:TestEvent"}} S3 sends when notifications are configured;</li>
 *   <li>EventBridge {@code "detail-type":"Object Created"} events from {@code aws.s3};</li>
 *   <li>either of the above wrapped in an SNS notification ({@code "Type":"Notification"}).</li>
 * </ul>
 * Keys of S3 event notifications are URL-decoded ({@code +} is a space, {@code %XX} UTF-8 bytes): S3
 * URL-encodes the key in notifications. EventBridge "Object Created" events carry the key as it is (a key
 * {@code a+b:c.json} arrives as {@code a+b:c.json}), so their keys are taken verbatim.
 *
 * <p>A record that cannot be read (no bucket or key, a key that is not valid URL encoding) is reported in
 * {@link Parsed#malformed()} with its reason; the other records of the message are still returned.
 */
public final class EventParser {

    private static final ObjectMapper JSON = new ObjectMapper();

    private EventParser() {
    }

    /**
     * What one message says.
     *
     * @param created the created objects, in message order
     * @param ignored records that are not object creations (deletions, test events, other detail types)
     */
    public record Parsed(List<ObjectEvent> created, int ignored, List<Malformed> malformed) {
        public Parsed(List<ObjectEvent> created, int ignored) {
            this(created, ignored, List.of());
        }
    }

    /** One record of a message that could not be read: its position, the reason and the record's JSON. */
    public record Malformed(int index, String reason, String record) {
    }

    /** A body that is not one of the understood formats; such a message is left to the queue's redrive policy. */
    public static final class MalformedEventException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedEventException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public static Parsed parse(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body == null ? "" : body);
        } catch (IOException e) {
            throw new MalformedEventException("not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new MalformedEventException("not a JSON object", null);
        }
        if ("Notification".equals(root.path("Type").asText()) && root.path("Message").isTextual()) {
            return parse(root.path("Message").asText());
        }
        if (root.has("Records")) {
            return s3Records(root.path("Records"));
        }
        if ("s3:TestEvent".equals(root.path("Event").asText())) {
            return new Parsed(List.of(), 1);
        }
        if (root.has("detail-type")) {
            return eventBridge(root);
        }
        throw new MalformedEventException("neither an S3 notification nor an EventBridge event", null);
    }

    private static Parsed s3Records(JsonNode records) {
        if (!records.isArray()) {
            throw new MalformedEventException("Records is not an array", null);
        }
        List<ObjectEvent> created = new ArrayList<>();
        List<Malformed> malformed = new ArrayList<>();
        int ignored = 0;
        int index = 0;
        for (JsonNode r : records) {
            int at = index++;
            String name = r.path("eventName").asText("");
            if (!name.startsWith("ObjectCreated:") && !name.startsWith("s3:ObjectCreated:")) {
                ignored++;
                continue;
            }
            JsonNode s3 = r.path("s3");
            try {
                created.add(event(s3.path("bucket").path("name"), s3.path("object"), "eTag", "versionId",
                        r.path("eventTime").asText(null), true));
            } catch (MalformedEventException e) {
                malformed.add(new Malformed(at, e.getMessage(), r.toString()));
            }
        }
        if (created.isEmpty() && ignored == 0 && !malformed.isEmpty() && malformed.size() == index) {
            // Nothing readable at all: the whole message is malformed (left to the redrive policy).
            throw new MalformedEventException(malformed.get(0).reason(), null);
        }
        return new Parsed(created, ignored, malformed);
    }

    private static Parsed eventBridge(JsonNode root) {
        if (!"Object Created".equals(root.path("detail-type").asText()) || !"aws.s3".equals(root.path("source").asText())) {
            return new Parsed(List.of(), 1);
        }
        JsonNode detail = root.path("detail");
        return new Parsed(List.of(event(detail.path("bucket").path("name"), detail.path("object"), "etag", "version-id",
                root.path("time").asText(null), false)), 0);
    }

    private static ObjectEvent event(JsonNode bucket, JsonNode object, String etagField, String versionField, String time,
                                     boolean urlEncoded) {
        if (!bucket.isTextual() || bucket.asText().isEmpty() || !object.path("key").isTextual()) {
            throw new MalformedEventException("an object-created record without bucket name or object key", null);
        }
        String raw = object.path("key").asText();
        String key;
        try {
            key = urlEncoded ? URLDecoder.decode(raw, StandardCharsets.UTF_8) : raw;
        } catch (IllegalArgumentException e) {
            throw new MalformedEventException("object key '" + raw + "' is not valid URL encoding: " + e.getMessage(), e);
        }
        long size = object.path("size").canConvertToLong() ? object.path("size").asLong() : -1;
        String etag = ObjectEvent.normalizeEtag(object.path(etagField).asText(null));
        String version = object.path(versionField).asText(null);
        return new ObjectEvent(bucket.asText(), key, size, etag, version == null || version.isEmpty() ? null : version,
                instant(time));
    }

    private static Instant instant(String time) {
        if (time == null) {
            return null;
        }
        try {
            return Instant.parse(time);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
