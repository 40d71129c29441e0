package dev.ndjsonparquet.settings;

import java.util.List;

/** The Markdown table of declared settings that the README embeds (generated, never hand-written). */
public final class SettingsTable {

    private SettingsTable() {
    }

    public static String markdown(List<Setting<?>> settings) {
        StringBuilder sb = new StringBuilder();
        sb.append("| Flag | Environment | Type | Default | Description |\n");
        sb.append("|---|---|---|---|---|\n");
        for (Setting<?> s : settings) {
            String def = s.defaultValue() == null ? (s.required() ? "*required*" : "") : "`" + s.defaultValue() + "`";
            sb.append("| `--").append(s.key()).append("` | ")
                    .append(s.env() == null ? "" : "`" + s.env() + "`").append(" | ")
                    .append(s.type().replace("|", "\\|")).append(" | ")
                    .append(def.replace("|", "\\|")).append(" | ")
                    .append(s.description().replace("|", "\\|")).append(" |\n");
        }
        return sb.toString();
    }
}
