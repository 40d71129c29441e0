package dev.ndjsonparquet.deploy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Reads the {@code # --} comments of values.yaml (the helm-docs convention, without the helm-docs binary):
 * each documented key becomes a row of the chart README's values table; a documented map or list is one row.
 * Every leaf value must be documented, itself or through a documented parent.
 */
final class ValuesDoc {

    record Row(String key, String type, String defaultValue, String description) {
    }

    record Result(List<Row> rows, List<String> undocumented) {
    }

    private static final Pattern KEY = Pattern.compile("^(\\s*)([A-Za-z0-9_.\\-/]+):(?:\\s+(.*))?$");
    private static final Pattern DOC = Pattern.compile("^\\s*# -- ?(.*)$");
    private static final Pattern CONTINUATION = Pattern.compile("^\\s*#\\s?(.*)$");

    private ValuesDoc() {
    }

    static Result parse(String valuesYaml) {
        JsonNode values = Yaml.read(valuesYaml);
        List<String> lines = valuesYaml.lines().toList();
        List<Row> rows = new ArrayList<>();
        List<String> undocumented = new ArrayList<>();
        Deque<int[]> indents = new ArrayDeque<>();
        Deque<String> path = new ArrayDeque<>();
        StringBuilder pending = null;
        int documentedIndent = -1;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher doc = DOC.matcher(line);
            if (doc.matches()) {
                pending = new StringBuilder(doc.group(1).trim());
                continue;
            }
            Matcher cont = CONTINUATION.matcher(line);
            if (cont.matches()) {
                if (pending != null) {
                    pending.append(' ').append(cont.group(1).trim());
                }
                continue;
            }
            Matcher key = KEY.matcher(line);
            if (!key.matches()) {
                continue;
            }
            int indent = key.group(1).length();
            while (!indents.isEmpty() && indents.peek()[0] >= indent) {
                indents.pop();
                path.pop();
            }
            indents.push(new int[] {indent});
            path.push(key.group(2));
            if (documentedIndent >= 0 && indent > documentedIndent) {
                pending = null;
                continue;
            }
            documentedIndent = -1;
            List<String> segments = new ArrayList<>(path);
            java.util.Collections.reverse(segments);
            String dotted = String.join(".", segments);
            if (pending != null) {
                JsonNode value = values;
                for (String s : segments) {
                    value = value.path(s);
                }
                rows.add(new Row(dotted, typeOf(value), defaultOf(value), pending.toString()));
                documentedIndent = indent;
                pending = null;
            } else if (isLeaf(key.group(3), lines, i, indent)) {
                undocumented.add(dotted);
            }
        }
        return new Result(rows, undocumented);
    }

    private static boolean isLeaf(String inline, List<String> lines, int at, int indent) {
        if (inline != null && !inline.isBlank() && !inline.trim().startsWith("#")) {
            return true;
        }
        for (int j = at + 1; j < lines.size(); j++) {
            String next = lines.get(j);
            if (next.isBlank() || next.trim().startsWith("#")) {
                continue;
            }
            int nextIndent = next.length() - next.stripLeading().length();
            return nextIndent <= indent && !next.stripLeading().startsWith("- ");
        }
        return true;
    }

    private static String typeOf(JsonNode v) {
        if (v.isObject()) {
            return "object";
        }
        if (v.isArray()) {
            return "list";
        }
        if (v.isBoolean()) {
            return "bool";
        }
        if (v.isIntegralNumber()) {
            return "int";
        }
        if (v.isNumber()) {
            return "float";
        }
        return "string";
    }

    private static String defaultOf(JsonNode v) {
        if (v.isString()) {
            return "\"" + v.asString() + "\"";
        }
        return v.toString();
    }

    /** The Markdown table of the rows. */
    static String markdown(List<Row> rows) {
        StringBuilder sb = new StringBuilder("| Key | Type | Default | Description |\n|-----|------|---------|-------------|\n");
        for (Row r : rows) {
            sb.append("| ").append(r.key()).append(" | ").append(r.type()).append(" | `")
                    .append(r.defaultValue().replace("|", "\\|").replace("`", "'")).append("` | ")
                    .append(r.description().replace("|", "\\|")).append(" |\n");
        }
        return sb.toString();
    }
}
