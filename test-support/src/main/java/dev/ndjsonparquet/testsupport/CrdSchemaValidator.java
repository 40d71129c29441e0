package dev.ndjsonparquet.testsupport;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Validates objects against the {@code openAPIV3Schema} of a CustomResourceDefinition, as the API server
 * would before accepting them. In {@link Mode#STRICT} every object schema that lists {@code properties}
 * also forbids other properties (unless it sets {@code x-kubernetes-preserve-unknown-fields}), so a
 * misspelt field is an error here even though a real API server would silently prune it.
 */
public final class CrdSchemaValidator {

    /** LENIENT: the schema as published. STRICT: unknown fields are errors, like {@code kubeconform -strict}. */
    public enum Mode { LENIENT, STRICT }

    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    private final String crdName;
    private final String version;
    private final Schema schema;

    private CrdSchemaValidator(String crdName, String version, Schema schema) {
        this.crdName = crdName;
        this.version = version;
        this.schema = schema;
    }

    /** The CRD file {@code fileName} in the shared {@code crds/} folder, its storage version, strict. */
    public static CrdSchemaValidator forSharedCrd(String fileName) {
        return forCrd(SharedDir.resolve("crds").resolve(fileName), null, Mode.STRICT);
    }

    /**
     * @param crdFile the CRD YAML
     * @param version the served version whose schema to use, or null for the storage version
     * @param mode    strict or lenient about unknown fields
     */
    public static CrdSchemaValidator forCrd(Path crdFile, String version, Mode mode) {
        JsonNode crd = readYaml(crdFile);
        JsonNode chosen = null;
        for (JsonNode v : crd.path("spec").path("versions")) {
            boolean served = v.path("served").asBoolean(false);
            boolean match = version == null ? v.path("storage").asBoolean(false) : version.equals(v.path("name").asString());
            if (served && match) {
                chosen = v;
            }
        }
        if (chosen == null) {
            throw new IllegalArgumentException(crdFile + " serves no " + (version == null ? "storage" : version) + " version");
        }
        JsonNode openApi = chosen.path("schema").path("openAPIV3Schema");
        if (!openApi.isObject()) {
            throw new IllegalArgumentException(crdFile + " version " + chosen.path("name").asString() + " has no openAPIV3Schema");
        }
        ObjectNode copy = (ObjectNode) openApi.deepCopy();
        implicitRootFields(copy);
        toDraft4(copy, mode == Mode.STRICT);
        Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(copy);
        return new CrdSchemaValidator(crd.path("metadata").path("name").asString(), chosen.path("name").asString(), schema);
    }

    /**
     * Validates one object: a {@link Map} (as parsed from YAML or JSON), a YAML or JSON {@link String},
     * or any bean Jackson can turn into a tree. Returns every error as "path: message"; empty when valid.
     */
    public List<String> validate(Object object) {
        JsonNode node = toNode(object);
        List<String> out = new ArrayList<>();
        for (Error e : schema.validate(node)) {
            out.add(e.toString());
        }
        return out;
    }

    /** Like {@link #validate} but throws an {@link AssertionError} that lists the errors. */
    public void assertValid(Object object) {
        List<String> errors = validate(object);
        if (!errors.isEmpty()) {
            throw new AssertionError("not a valid " + crdName + "/" + version + ":\n  " + String.join("\n  ", errors));
        }
    }

    public String crdName() {
        return crdName;
    }

    public String version() {
        return version;
    }

    private static JsonNode toNode(Object object) {
        if (object instanceof JsonNode n) {
            return n;
        }
        if (object instanceof String s) {
            return YAML.readTree(s);
        }
        return YAML.valueToTree(object);
    }

    private static JsonNode readYaml(Path file) {
        try {
            return YAML.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * The API server accepts {@code apiVersion}, {@code kind} and {@code metadata} at the root of every custom
     * resource whether the CRD's schema declares them or not (Apache's spark.apache.org CRD does not); declare them
     * where missing, so strict mode judges the rest.
     */
    private static void implicitRootFields(ObjectNode root) {
        if (!(root.get("properties") instanceof ObjectNode props)) {
            return;
        }
        if (!props.has("apiVersion")) {
            props.putObject("apiVersion").put("type", "string");
        }
        if (!props.has("kind")) {
            props.putObject("kind").put("type", "string");
        }
        if (!props.has("metadata")) {
            props.putObject("metadata").put("type", "object");
        }
    }

    /**
     * Rewrites OpenAPI-isms the draft-4 validator does not know: {@code nullable: true} becomes a
     * {@code null} type; in strict mode, closed objects get {@code additionalProperties: false}.
     */
    private static void toDraft4(ObjectNode node, boolean strict) {
        if (node.path("nullable").asBoolean(false) && node.path("type").isString()) {
            ArrayNode types = node.arrayNode();
            types.add(node.path("type").asString());
            types.add("null");
            node.set("type", types);
        }
        boolean preserve = node.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        if (strict && node.has("properties") && !preserve && !node.has("additionalProperties")) {
            node.put("additionalProperties", false);
        }
        if (node.get("properties") instanceof ObjectNode props) {
            for (Map.Entry<String, JsonNode> property : props.properties()) {
                walk(property.getValue(), strict);
            }
        }
        for (String keyword : new String[] {"items", "additionalProperties", "not", "allOf", "anyOf", "oneOf"}) {
            walk(node.get(keyword), strict);
        }
    }

    private static void walk(JsonNode node, boolean strict) {
        if (node instanceof ObjectNode o) {
            toDraft4(o, strict);
        } else if (node instanceof ArrayNode a) {
            for (JsonNode item : a) {
                walk(item, strict);
            }
        }
    }
}
