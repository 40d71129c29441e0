package dev.ndjsonparquet.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ndjsonparquet.settings.Setting;
import dev.ndjsonparquet.settings.SettingsTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Compares the README's generated settings tables (between {@code <!-- NAME-settings:start -->} and
 * {@code <!-- NAME-settings:end -->}) with the declarations. Every module's staleness test calls {@link #assertCurrent},
 * which always compares (a test that could rewrite instead of failing would pass on a stale table); rewriting is a
 * separate command, {@code scripts/regenerate-docs.sh}, which calls {@link #check} with {@code rewrite}.
 */
public final class ReadmeSettingsTables {

    /** One table whose README text differs from what its declarations generate. */
    public record Stale(String name, String expected, String actual) {
    }

    private ReadmeSettingsTables() {
    }

    /**
     * Fails, naming the table and showing the difference, when a table of the repository's README ({@code ../README.md} from a
     * module) is stale. Never rewrites: {@code scripts/regenerate-docs.sh} does.
     */
    public static void assertCurrent(Map<String, List<Setting<?>>> tables) throws IOException {
        for (Stale t : check(Path.of("..", "README.md"), tables, false)) {
            assertEquals(t.expected(), t.actual(), "README.md " + t.name()
                    + " settings table is stale: run scripts/regenerate-docs.sh");
        }
    }

    /** Tables keyed by marker name, in README order; returns the stale ones left after any rewrite. */
    public static List<Stale> check(Path readme, Map<String, List<Setting<?>>> tables, boolean rewrite) throws IOException {
        String text = Files.readString(readme);
        String updated = text;
        List<Stale> stale = new ArrayList<>();
        for (Map.Entry<String, List<Setting<?>>> e : tables.entrySet()) {
            String start = "<!-- " + e.getKey() + "-settings:start -->\n";
            String end = "<!-- " + e.getKey() + "-settings:end -->";
            int s = updated.indexOf(start);
            int en = updated.indexOf(end);
            String expected = SettingsTable.markdown(e.getValue());
            String actual = s < 0 || en < 0 ? "<missing markers " + start.trim() + ">" : updated.substring(s + start.length(), en);
            if (expected.equals(actual)) {
                continue;
            }
            if (s >= 0 && en >= 0 && rewrite) {
                updated = updated.substring(0, s + start.length()) + expected + updated.substring(en);
            } else {
                stale.add(new Stale(e.getKey(), expected, actual));
            }
        }
        if (!updated.equals(text)) {
            Files.writeString(readme, updated);
        }
        return stale;
    }
}
