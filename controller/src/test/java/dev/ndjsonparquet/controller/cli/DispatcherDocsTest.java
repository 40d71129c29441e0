package dev.ndjsonparquet.controller.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.controller.dispatch.DispatcherSettings;
import dev.ndjsonparquet.settings.SettingsTable;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/dispatcher.md embeds the settings table generated from the declarations; this fails when they drift. */
class DispatcherDocsTest {

    @Test
    void dispatcherMdHoldsTheGeneratedSettingsTable() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "dispatcher.md"));
        String table = SettingsTable.markdown(DispatcherSettings.ALL);
        assertTrue(doc.contains(table), "docs/dispatcher.md's settings table is out of date; replace it with:\n" + table);
    }
}
