package dev.ndjsonparquet.controller.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.controller.dispatch.DispatcherSettings;
import dev.ndjsonparquet.settings.SettingsTable;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** controller/DISPATCHER.md embeds the settings table generated from the declarations; this fails when they drift. */
class DispatcherDocsTest {

    @Test
    void dispatcherMdHoldsTheGeneratedSettingsTable() throws Exception {
        String doc = Files.readString(Path.of("DISPATCHER.md"));
        String table = SettingsTable.markdown(DispatcherSettings.ALL);
        assertTrue(doc.contains(table), "controller/DISPATCHER.md's settings table is out of date; replace it with:\n" + table);
    }
}
