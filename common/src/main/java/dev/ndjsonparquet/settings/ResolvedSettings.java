package dev.ndjsonparquet.settings;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The value of every declared setting after flags, environment, config file and defaults were applied. */
public final class ResolvedSettings {

    private final Map<Setting<?>, Object> values;
    private final Map<Setting<?>, String> sources;

    ResolvedSettings(Map<Setting<?>, Object> values, Map<Setting<?>, String> sources) {
        // Values may be null (an optional setting without a default), so no Map.copyOf here.
        this.values = java.util.Collections.unmodifiableMap(new java.util.HashMap<>(values));
        this.sources = Map.copyOf(sources);
    }

    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        if (!sources.containsKey(setting)) {
            throw new IllegalArgumentException("setting " + setting.key() + " was not declared for this command");
        }
        return (T) values.get(setting);
    }

    /** Where each value came from (flag, env, file, default), secrets masked: safe to log. */
    public Map<String, String> describe(List<Setting<?>> order) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Setting<?> s : order) {
            Object v = values.get(s);
            out.put(s.key(), (s.secret() && v != null ? "****" : String.valueOf(v)) + " (" + sources.get(s) + ")");
        }
        return out;
    }
}
