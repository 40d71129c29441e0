package dev.ndjsonparquet.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ndjsonparquet.tools.local.LocalSettings;
import dev.ndjsonparquet.tools.plan.PlanSettings;
import dev.ndjsonparquet.settings.Setting;
import dev.ndjsonparquet.testsupport.ReadmeSettingsTables;
import java.io.IOException;
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
        List<ReadmeSettingsTables.Stale> stale =
                ReadmeSettingsTables.check(Path.of("..", "README.md"), tables(), ReadmeSettingsTables.rewriteRequested());
        for (ReadmeSettingsTables.Stale t : stale) {
            assertEquals(t.expected(), t.actual(), "README.md " + t.name()
                    + " settings table is stale: run ReadmeSettingsTablesTest with UPDATE_README=true");
        }
    }
}
