package dev.ndjsonparquet.tools.cli;

import dev.ndjsonparquet.tools.local.LocalSettings;
import dev.ndjsonparquet.tools.plan.PlanSettings;
import dev.ndjsonparquet.testsupport.ReadmeSettingsTables;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The README's settings tables of the local tools (demo, run, plan) are generated from the declarations; this fails when one is stale
 * (scripts/regenerate-docs.sh rewrites them).
 */
class ReadmeSettingsTablesTest {

    @Test
    void readmeTablesMatchTheDeclarations() throws IOException {
        ReadmeSettingsTables.assertCurrent(Map.of("local", LocalSettings.DEMO, "plan", PlanSettings.ALL));
    }
}
