package dev.ndjsonparquet.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** YAML in and out, with Jackson 3 (the version the schema validator uses). */
final class Yaml {

    static final YAMLMapper MAPPER = YAMLMapper.builder().build();

    private Yaml() {
    }

    static JsonNode read(String text) {
        return MAPPER.readTree(text);
    }

    /** Every non-empty document of a multi-document stream. */
    static List<JsonNode> readAll(String text) {
        List<JsonNode> out = new ArrayList<>();
        try (MappingIterator<JsonNode> it = MAPPER.readerFor(JsonNode.class).readValues(text)) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && doc.isObject() && !doc.isEmpty()) {
                    out.add(doc);
                }
            }
        }
        return out;
    }

    static String write(JsonNode node) {
        return MAPPER.writeValueAsString(node);
    }

    /** Deep merge of {@code overlay} into a copy of {@code base}: maps merge, everything else is replaced; null removes. */
    static JsonNode merge(JsonNode base, JsonNode overlay) {
        if (!(base instanceof ObjectNode) || !(overlay instanceof ObjectNode)) {
            return overlay.deepCopy();
        }
        ObjectNode out = ((ObjectNode) base).deepCopy();
        for (Map.Entry<String, JsonNode> e : overlay.properties()) {
            if (e.getValue().isNull()) {
                out.remove(e.getKey());
            } else if (out.has(e.getKey())) {
                out.set(e.getKey(), merge(out.get(e.getKey()), e.getValue()));
            } else {
                out.set(e.getKey(), e.getValue().deepCopy());
            }
        }
        return out;
    }
}
