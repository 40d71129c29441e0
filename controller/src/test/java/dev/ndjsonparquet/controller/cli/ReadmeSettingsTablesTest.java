package dev.ndjsonparquet.controller.cli;

import dev.ndjsonparquet.controller.builder.BuilderSettings;
import dev.ndjsonparquet.controller.dispatch.DispatcherSettings;
import dev.ndjsonparquet.controller.maintain.MaintainSettings;
import dev.ndjsonparquet.testsupport.ReadmeSettingsTables;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The README's settings tables of the production components are generated from the declarations; this fails when one is stale
 * (scripts/regenerate-docs.sh rewrites them).
 */
class ReadmeSettingsTablesTest {

    @Test
    void readmeTablesMatchTheDeclarations() throws IOException {
        ReadmeSettingsTables.assertCurrent(Map.of("dispatcher", DispatcherSettings.ALL, "builder", BuilderSettings.ALL,
                "maintain", MaintainSettings.ALL));
    }
}
