package dev.ndjsonparquet.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A part of a document generated from code, between two marker lines: its staleness test ({@link #assertCurrent}) always
 * compares, and only the separate regeneration command ({@code scripts/regenerate-docs.sh}) calls {@link #rewrite}.
 *
 * @param file     the document
 * @param start    the start marker, a whole line with its newline
 * @param end      the end marker
 * @param expected what belongs between them
 */
public record GeneratedSection(Path file, String start, String end, String expected) {

    /** Fails, showing the difference, when the section is stale or its markers are missing. */
    public void assertCurrent() throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int s = text.indexOf(start);
        int e = text.indexOf(end);
        assertTrue(s >= 0 && e > s, file + " lacks the generated section's markers " + start.strip() + " ... " + end);
        assertEquals(expected, text.substring(s + start.length(), e),
                "the generated section of " + file + " is stale: run scripts/regenerate-docs.sh");
    }

    /** Writes the expected text between the markers; true when something changed. The markers must be there. */
    public boolean rewrite() throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int s = text.indexOf(start);
        int e = text.indexOf(end);
        if (s < 0 || e <= s) {
            throw new IllegalStateException(file + " lacks the markers " + start.strip() + " ... " + end);
        }
        String updated = text.substring(0, s + start.length()) + expected + text.substring(e);
        if (updated.equals(text)) {
            return false;
        }
        Files.writeString(file, updated, StandardCharsets.UTF_8);
        return true;
    }
}
