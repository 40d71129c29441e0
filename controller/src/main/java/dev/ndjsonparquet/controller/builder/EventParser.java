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
 * Keys are URL-decoded ({@code +} is a space, {@code %XX} UTF-8 bytes) as S3 encodes them in notifications.
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
    public record Parsed(List<ObjectEvent> created, int ignored) {
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
        int ignored = 0;
        for (JsonNode r : records) {
            String name = r.path("eventName").asText("");
            if (!name.startsWith("ObjectCreated:") && !name.startsWith("s3:ObjectCreated:")) {
                ignored++;
                continue;
            }
            JsonNode s3 = r.path("s3");
            created.add(event(s3.path("bucket").path("name"), s3.path("object"), "eTag", "versionId",
                    r.path("eventTime").asText(null)));
        }
        return new Parsed(created, ignored);
    }

    private static Parsed eventBridge(JsonNode root) {
        if (!"Object Created".equals(root.path("detail-type").asText()) || !"aws.s3".equals(root.path("source").asText())) {
            return new Parsed(List.of(), 1);
        }
        JsonNode detail = root.path("detail");
        return new Parsed(List.of(event(detail.path("bucket").path("name"), detail.path("object"), "etag", "version-id",
                root.path("time").asText(null))), 0);
    }

    private static ObjectEvent event(JsonNode bucket, JsonNode object, String etagField, String versionField, String time) {
        if (!bucket.isTextual() || bucket.asText().isEmpty() || !object.path("key").isTextual()) {
            throw new MalformedEventException("an object-created record without bucket name or object key", null);
        }
        String key = URLDecoder.decode(object.path("key").asText(), StandardCharsets.UTF_8);
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
