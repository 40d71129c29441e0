package dev.ndjsonparquet.spark.job;

import dev.ndjsonparquet.conversion.ConversionSettings;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ndjsonparquet.settings.SettingsTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's table of conversion settings is generated from the declarations; this fails when it is stale. */
class ReadmeSettingsTableTest {

    static final String START = "<!-- conversion-settings:start -->\n";
    static final String END = "<!-- conversion-settings:end -->";

    @Test
    void readmeTableMatchesTheDeclarations() throws IOException {
        Path readme = Path.of("..", "README.md");
        String text = Files.readString(readme);
        int s = text.indexOf(START);
        int e = text.indexOf(END);
        String expected = SettingsTable.markdown(ConversionSettings.ALL);
        String actual = s < 0 || e < 0 ? "" : text.substring(s + START.length(), e);
        assertEquals(expected, actual, "README.md conversion settings table is stale: run scripts/regenerate-docs.sh");
    }
}
