package dev.ndjsonparquet.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ndjsonparquet.tools.local.LocalSettings;
import dev.ndjsonparquet.tools.plan.PlanSettings;
import dev.ndjsonparquet.settings.Setting;
import dev.ndjsonparquet.settings.SettingsTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The README's settings tables of the local tools (demo, run, plan) are generated from the declarations; this fails when one is stale
 * (run it with UPDATE_README=true to rewrite them).
 */
class ReadmeSettingsTablesTest {

    private static Map<String, List<Setting<?>>> tables() {
        Map<String, List<Setting<?>>> t = new LinkedHashMap<>();
        t.put("local", LocalSettings.DEMO);
        t.put("plan", PlanSettings.ALL);
        return t;
    }

    @Test
    void readmeTablesMatchTheDeclarations() throws IOException {
        Path readme = Path.of("..", "README.md");
        String text = Files.readString(readme);
        String updated = text;
        for (Map.Entry<String, List<Setting<?>>> e : tables().entrySet()) {
            String start = "<!-- " + e.getKey() + "-settings:start -->\n";
            String end = "<!-- " + e.getKey() + "-settings:end -->";
            int s = updated.indexOf(start);
            int en = updated.indexOf(end);
            String expected = SettingsTable.markdown(e.getValue());
            String actual = s < 0 || en < 0 ? "<missing markers " + start.trim() + ">" : updated.substring(s + start.length(), en);
            if (!expected.equals(actual)) {
                if (s >= 0 && en >= 0 && "true".equals(System.getenv("UPDATE_README"))) {
                    updated = updated.substring(0, s + start.length()) + expected + updated.substring(en);
                    continue;
                }
                assertEquals(expected, actual, "README.md " + e.getKey()
                        + " settings table is stale: run ReadmeSettingsTablesTest with UPDATE_README=true");
            }
        }
        if (!updated.equals(text)) {
            Files.writeString(readme, updated);
        }
    }
}
