package dev.ndjsonparquet.settings;

import java.util.List;

/** Settings that cannot be used; lists every problem found, not just the first. */
public class SettingsException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public SettingsException(List<String> problems) {
        super(problems.size() + " setting problem(s):\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
