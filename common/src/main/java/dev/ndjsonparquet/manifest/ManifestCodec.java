package dev.ndjsonparquet.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** JSON encoding of manifests and manifest messages. Decoding validates; unknown fields are errors. */
public final class ManifestCodec {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private ManifestCodec() {
    }

    public static byte[] encode(Manifest manifest) {
        ManifestValidator.requireValid(manifest);
        return write(manifest);
    }

    public static Manifest decode(byte[] json) {
        return ManifestValidator.requireValid(read(json, Manifest.class, "manifest"));
    }

    public static Manifest decode(InputStream in) {
        try {
            return decode(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read manifest", e);
        }
    }

    public static String encodeMessage(ManifestMessage message) {
        return new String(write(message), StandardCharsets.UTF_8);
    }

    /** Decodes an SQS message body; every missing or bad field is listed. */
    public static ManifestMessage decodeMessage(String body) {
        ManifestMessage m = read(body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8),
                ManifestMessage.class, "manifest message");
        java.util.List<String> problems = new java.util.ArrayList<>();
        if (m.manifestUri() == null || m.manifestUri().isBlank()) {
            problems.add("manifestUri is missing");
        }
        if (!ManifestIds.isDnsSafe(m.manifestId())) {
            problems.add("manifestId '" + m.manifestId() + "' is missing or not DNS-safe");
        }
        if (m.fileCount() <= 0) {
            problems.add("fileCount must be positive, was " + m.fileCount());
        }
        if (m.totalBytes() < 0) {
            problems.add("totalBytes is negative (" + m.totalBytes() + ")");
        }
        if (!problems.isEmpty()) {
            throw new InvalidManifestException(problems);
        }
        return m;
    }

    private static byte[] write(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    private static <T> T read(byte[] json, Class<T> type, String what) {
        try {
            return MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new InvalidManifestException(what + " is not valid JSON of the expected form: "
                    + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()), e);
        }
    }
}
