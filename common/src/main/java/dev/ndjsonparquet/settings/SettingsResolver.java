package dev.ndjsonparquet.settings;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Resolves declared settings from, in order of precedence: flags, environment variables, a config
 * file (Java properties, keys as declared), then defaults. Every problem (bad value, missing required
 * setting, unknown key in the file) is collected and reported together.
 */
public final class SettingsResolver {

    private SettingsResolver() {
    }

    public static ResolvedSettings resolve(List<Setting<?>> declared, Map<String, String> flags,
                                           Map<String, String> env, Map<String, String> file) {
        List<String> problems = new ArrayList<>();
        Map<Setting<?>, Object> values = new HashMap<>();
        Map<Setting<?>, String> sources = new HashMap<>();
        Set<String> keys = new HashSet<>();
        for (Setting<?> s : declared) {
            keys.add(s.key());
            String raw;
            String source;
            if (flags.containsKey(s.key())) {
                raw = flags.get(s.key());
                source = "flag --" + s.key();
            } else if (s.env() != null && env.containsKey(s.env()) && !env.get(s.env()).isEmpty()) {
                raw = env.get(s.env());
                source = "env " + s.env();
            } else if (file.containsKey(s.key())) {
                raw = file.get(s.key());
                source = "config file";
            } else {
                raw = null;
                source = "default";
            }
            if (raw == null) {
                if (s.required() && s.defaultValue() == null) {
                    problems.add(s.key() + " is required: set --" + s.key()
                            + (s.env() == null ? "" : " or " + s.env()) + " (" + s.description() + ")");
                }
                values.put(s, s.defaultValue());
            } else {
                try {
                    values.put(s, s.parse(raw));
                } catch (IllegalArgumentException e) {
                    problems.add(s.key() + " (" + source + "): " + e.getMessage());
                }
            }
            sources.put(s, source);
        }
        for (String k : file.keySet()) {
            if (!keys.contains(k)) {
                problems.add("config file has unknown setting '" + k + "'");
            }
        }
        if (!problems.isEmpty()) {
            throw new SettingsException(problems);
        }
        return new ResolvedSettings(values, sources);
    }

    /** Reads a properties file into a map; a missing or unreadable file is a settings problem. */
    public static Map<String, String> readFile(Path path) {
        if (path == null) {
            return Map.of();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(path)) {
            p.load(r);
        } catch (IOException e) {
            throw new SettingsException(List.of("config file " + path + " cannot be read: " + e.getMessage()));
        }
        Map<String, String> out = new HashMap<>();
        p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k).trim()));
        return out;
    }
}
