package dev.ndjsonparquet.tools.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ndjsonparquet.controller.builder.ObjectStore.ObjectInfo;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The body S3 sends to an SQS queue when an object is created (event notification format 2.1): one
 * {@code ObjectCreated:Put} record with bucket, URL-encoded key, size, ETag and sequencer. The builder
 * reads it with the same parser as in production.
 */
public final class S3Events {

    private static final ObjectMapper JSON = new ObjectMapper();

    private S3Events() {
    }

    public static String objectCreated(ObjectInfo object, String region, Instant at) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode records = root.putArray("Records");
        ObjectNode r = records.addObject();
        r.put("eventVersion", "2.1");
        r.put("eventSource", "aws:s3");
        r.put("awsRegion", region);
        r.put("eventTime", at.toString());
        r.put("eventName", "ObjectCreated:Put");
        r.putObject("userIdentity").put("principalId", "ndjson-parquet-local");
        ObjectNode s3 = r.putObject("s3");
        s3.put("s3SchemaVersion", "1.0");
        s3.put("configurationId", "ndjson-parquet-ingest");
        ObjectNode bucket = s3.putObject("bucket");
        bucket.put("name", object.location().bucket());
        bucket.put("arn", "arn:aws:s3:::" + object.location().bucket());
        ObjectNode o = s3.putObject("object");
        // S3 URL-encodes keys in notifications (a space is '+'); '/' stays readable.
        o.put("key", URLEncoder.encode(object.location().key(), StandardCharsets.UTF_8).replace("%2F", "/"));
        o.put("size", object.size());
        o.put("eTag", object.etag());
        o.put("sequencer", String.format("%016X", at.toEpochMilli()));
        return root.toString();
    }
}
