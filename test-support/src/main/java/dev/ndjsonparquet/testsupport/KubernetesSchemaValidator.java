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
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Validates built-in Kubernetes objects (Deployment, Service, Role, ...) against the Kubernetes OpenAPI v3
 * documents in the shared {@code k8s-schemas/} folder (and the ones this project vendors beside them,
 * {@code resources/k8s-schemas/}), one file per group-version, strictly: an object schema
 * that lists {@code properties} forbids any other property (unless it sets
 * {@code x-kubernetes-preserve-unknown-fields}), so a misspelt field is an error, as {@code kubeconform -strict}
 * reports it.
 *
 * <p>OpenAPI-isms are rewritten for the draft-4 validator the way kubeconform's schemas have them:
 * {@code int-or-string} fields and {@code Quantity} accept a string or a number, {@code nullable} adds
 * {@code null}, and the {@code x-kubernetes-*} keywords are dropped after use.
 */
public final class KubernetesSchemaValidator {

    private static final String QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    private final Path schemaDir;
    private final Map<String, JsonNode> documents = new ConcurrentHashMap<>();
    private final Map<String, Optional<Schema>> schemas = new ConcurrentHashMap<>();

    private KubernetesSchemaValidator(Path schemaDir) {
        this.schemaDir = schemaDir;
    }

    /** The documents in the shared {@code k8s-schemas/} folder. */
    public static KubernetesSchemaValidator forSharedSchemas() {
        return new KubernetesSchemaValidator(SharedDir.resolve("k8s-schemas"));
    }

    /** The documents in {@code dir}, named as upstream: {@code api__v1_openapi.json}, {@code apis__<group>__<version>_openapi.json}. */
    public static KubernetesSchemaValidator forDirectory(Path dir) {
        return new KubernetesSchemaValidator(dir);
    }

    /** True when a schema for this apiVersion and kind exists in the documents. */
    public boolean knows(String apiVersion, String kind) {
        return schemaFor(apiVersion, kind).isPresent();
    }

    /**
     * Validates one object (a {@link JsonNode}, a {@link Map}, or YAML/JSON text). Returns every error as
     * "path: message"; empty when valid. An apiVersion and kind with no schema is itself an error.
     */
    public List<String> validate(Object object) {
        JsonNode node = toNode(object);
        String apiVersion = node.path("apiVersion").asString("");
        String kind = node.path("kind").asString("");
        Optional<Schema> schema = schemaFor(apiVersion, kind);
        if (schema.isEmpty()) {
            return List.of("no Kubernetes schema for " + apiVersion + " " + kind);
        }
        List<String> out = new ArrayList<>();
        for (Error e : schema.get().validate(node)) {
            out.add(e.toString());
        }
        return out;
    }

    /** Like {@link #validate} but throws an {@link AssertionError} naming the object and listing the errors. */
    public void assertValid(Object object) {
        JsonNode node = toNode(object);
        List<String> errors = validate(node);
        if (!errors.isEmpty()) {
            throw new AssertionError("not a valid " + node.path("kind").asString() + " "
                    + node.path("metadata").path("name").asString() + ":\n  " + String.join("\n  ", errors));
        }
    }

    private Optional<Schema> schemaFor(String apiVersion, String kind) {
        return schemas.computeIfAbsent(apiVersion + "/" + kind, key -> compile(apiVersion, kind));
    }

    private Optional<Schema> compile(String apiVersion, String kind) {
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
        String file = group.isEmpty() ? "api__" + version + "_openapi.json" : "apis__" + group + "__" + version + "_openapi.json";
        if (version.isEmpty() || (!Files.isRegularFile(schemaDir.resolve(file)) && vendored(file) == null)) {
            return Optional.empty();
        }
        JsonNode document = documents.computeIfAbsent(file, this::read);
        JsonNode components = document.path("components").path("schemas");
        String name = null;
        for (Map.Entry<String, JsonNode> entry : components.properties()) {
            for (JsonNode gvk : entry.getValue().path("x-kubernetes-group-version-kind")) {
                if (gvk.path("group").asString("").equals(group) && gvk.path("version").asString("").equals(version)
                        && gvk.path("kind").asString("").equals(kind)) {
                    name = entry.getKey();
                }
            }
        }
        if (name == null) {
            return Optional.empty();
        }
        ObjectNode definitions = (ObjectNode) components.deepCopy();
        for (Map.Entry<String, JsonNode> entry : definitions.properties()) {
            if (entry.getKey().equals(QUANTITY)) {
                definitions.set(QUANTITY, stringOrNumber(entry.getValue(), "number"));
            } else if (entry.getValue() instanceof ObjectNode o) {
                toDraft4(o);
            }
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("$ref", "#/components/schemas/" + name);
        root.putObject("components").set("schemas", definitions);
        return Optional.of(SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(root));
    }

    private static ObjectNode stringOrNumber(JsonNode original, String otherType) {
        ObjectNode replaced = JSON.createObjectNode();
        if (original.has("description")) {
            replaced.set("description", original.get("description"));
        }
        ArrayNode anyOf = replaced.putArray("anyOf");
        anyOf.addObject().put("type", "string");
        anyOf.addObject().put("type", otherType);
        return replaced;
    }

    /** Rewrites one schema node (and everything below it) in place. */
    private static void toDraft4(ObjectNode node) {
        if ("int-or-string".equals(node.path("format").asString(null)) || node.path("x-kubernetes-int-or-string").asBoolean(false)) {
            node.remove("type");
            node.remove("format");
            ArrayNode anyOf = node.putArray("anyOf");
            anyOf.addObject().put("type", "string");
            anyOf.addObject().put("type", "integer");
        }
        if (node.path("nullable").asBoolean(false) && node.path("type").isString()) {
            ArrayNode types = node.arrayNode();
            types.add(node.path("type").asString());
            types.add("null");
            node.set("type", types);
        }
        boolean preserve = node.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        if (node.has("properties") && !preserve && !node.has("additionalProperties")) {
            node.put("additionalProperties", false);
        }
        List<String> extensions = new ArrayList<>();
        for (String field : node.propertyNames()) {
            if (field.startsWith("x-kubernetes-") || field.equals("nullable")) {
                extensions.add(field);
            }
        }
        extensions.forEach(node::remove);
        if (node.get("properties") instanceof ObjectNode props) {
            for (Map.Entry<String, JsonNode> property : props.properties()) {
                walk(property.getValue());
            }
        }
        for (String keyword : new String[] {"items", "additionalProperties", "not", "allOf", "anyOf", "oneOf"}) {
            walk(node.get(keyword));
        }
    }

    private static void walk(JsonNode node) {
        if (node instanceof ObjectNode o) {
            toDraft4(o);
        } else if (node instanceof ArrayNode a) {
            for (JsonNode item : a) {
                walk(item);
            }
        }
    }

    /** A document this project vendors beside the shared ones (resources/k8s-schemas/SOURCES.md says which and from where). */
    private static java.net.URL vendored(String file) {
        return KubernetesSchemaValidator.class.getResource("/k8s-schemas/" + file);
    }

    private JsonNode read(String file) {
        try {
            if (!Files.isRegularFile(schemaDir.resolve(file))) {
                try (java.io.InputStream in = vendored(file).openStream()) {
                    return JSON.readTree(in);
                }
            }
            return JSON.readTree(Files.readString(schemaDir.resolve(file)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + schemaDir.resolve(file), e);
        }
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
}
