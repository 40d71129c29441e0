package dev.ndjsonparquet.settings;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/** Turns declared settings into picocli options, so a setting's flag and help text are never written twice. */
public final class SettingsOptions {

    private SettingsOptions() {
    }

    public static void addTo(CommandSpec spec, List<Setting<?>> settings) {
        for (Setting<?> s : settings) {
            String env = s.env() == null ? "" : " [env " + s.env() + "]";
            String def = s.defaultValue() == null ? (s.required() ? " (required)" : "") : " (default: " + s.defaultValue() + ")";
            OptionSpec.Builder option = OptionSpec.builder("--" + s.key())
                    .paramLabel("<" + s.type() + ">")
                    .type(String.class)
                    .description(s.description() + def + env);
            if ("boolean".equals(s.type())) {
                // A switch: `--iceberg` means true; `--iceberg=false` still works.
                option.arity("0..1").fallbackValue("true");
            }
            spec.addOption(option.build());
        }
    }

    /** The flags given on the command line, keyed by setting key, as raw strings. */
    public static Map<String, String> flags(ParseResult parsed, List<Setting<?>> settings) {
        Map<String, String> out = new HashMap<>();
        for (Setting<?> s : settings) {
            if (parsed.hasMatchedOption("--" + s.key())) {
                out.put(s.key(), parsed.matchedOptionValue("--" + s.key(), ""));
            }
        }
        return out;
    }
}
