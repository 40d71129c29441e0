package dev.ndjsonparquet.tools.plan;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.settings.SettingsTable;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/plan.md embeds the settings table generated from the declarations; this fails when they drift. */
class PlanDocsTest {

    @Test
    void planMdHoldsTheGeneratedSettingsTable() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "plan.md"));
        String table = SettingsTable.markdown(PlanSettings.ALL);
        assertTrue(doc.contains(table), "docs/plan.md's settings table is out of date; replace it with:\n" + table);
    }
}
