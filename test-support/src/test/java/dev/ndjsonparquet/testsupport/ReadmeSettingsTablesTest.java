package dev.ndjsonparquet.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.settings.Setting;
import dev.ndjsonparquet.settings.SettingsTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

class ReadmeSettingsTablesTest {

    static final List<Setting<?>> ONE = List.of(Setting.integer("count").env("COUNT").defaultValue(3).describedAs("how many").build());
    static final List<Setting<?>> TWO = List.of(Setting.string("name").env("NAME").defaultValue("x").describedAs("what").build());

    @TempDir
    Path dir;

    private static Map<String, List<Setting<?>>> tables() {
        Map<String, List<Setting<?>>> t = new LinkedHashMap<>();
        t.put("one", ONE);
        t.put("two", TWO);
        return t;
    }

    private Path readme(String oneBody) throws IOException {
        return Files.writeString(dir.resolve("README.md"), "# Title\n<!-- one-settings:start -->\n" + oneBody
                + "<!-- one-settings:end -->\ntext\n<!-- two-settings:start -->\n" + SettingsTable.markdown(TWO)
                + "<!-- two-settings:end -->\n");
    }

    @Test
    void currentTablesAreNotStaleAndTheFileIsUntouched() throws IOException {
        Path readme = readme(SettingsTable.markdown(ONE));
        String before = Files.readString(readme);
        assertEquals(List.of(), ReadmeSettingsTables.check(readme, tables(), false));
        assertEquals(before, Files.readString(readme));
    }

    @Test
    void aStaleTableIsReportedWithItsTextAndNotRewrittenUnlessAsked() throws IOException {
        Path readme = readme("| old |\n");
        List<ReadmeSettingsTables.Stale> stale = ReadmeSettingsTables.check(readme, tables(), false);
        assertEquals(List.of(new ReadmeSettingsTables.Stale("one", SettingsTable.markdown(ONE), "| old |\n")), stale);
        assertTrue(Files.readString(readme).contains("| old |"));
    }

    @Test
    void rewriteReplacesOnlyTheStaleTableBetweenItsMarkers() throws IOException {
        Path readme = readme("| old |\n");
        assertEquals(List.of(), ReadmeSettingsTables.check(readme, tables(), true));
        assertEquals("# Title\n<!-- one-settings:start -->\n" + SettingsTable.markdown(ONE)
                + "<!-- one-settings:end -->\ntext\n<!-- two-settings:start -->\n" + SettingsTable.markdown(TWO)
                + "<!-- two-settings:end -->\n", Files.readString(readme));
    }

    @Test
    void missingMarkersAreStaleEvenWhenRewriting() throws IOException {
        Path readme = Files.writeString(dir.resolve("README.md"), "# no tables\n");
        List<ReadmeSettingsTables.Stale> stale = ReadmeSettingsTables.check(readme, tables(), true);
        assertEquals(List.of("one", "two"), stale.stream().map(ReadmeSettingsTables.Stale::name).toList());
        assertEquals("<missing markers <!-- one-settings:start -->>", stale.get(0).actual());
        assertEquals("# no tables\n", Files.readString(readme));
    }

    @Test
    void assertCurrentFailsNamingATableTheRepositoryReadmeDoesNotHave() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> ReadmeSettingsTables.assertCurrent(Map.of("no-such", ONE)));
        assertTrue(e.getMessage().startsWith("README.md no-such settings table is stale"), e.getMessage());
    }
}
