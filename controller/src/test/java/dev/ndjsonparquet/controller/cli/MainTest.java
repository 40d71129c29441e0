package dev.ndjsonparquet.controller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The controller image's command line: the production subcommands, none of the local tools (module tools). */
class MainTest {

    @Test
    void everySubcommandIsListedWithHelp() {
        CommandLine cl = Main.commandLine();
        for (String name : List.of("render", "controller", "builder", "backfill")) {
            assertTrue(cl.getSubcommands().containsKey(name), "missing subcommand " + name);
        }
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        assertEquals(0, cl.execute("--help"));
        assertTrue(out.toString().contains("backfill"), out.toString());
    }

    @Test
    void theLocalToolsAreNotInTheImagesCommandLine() {
        CommandLine cl = Main.commandLine();
        for (String name : List.of("demo", "run", "plan", "convert", "bench", "read-table")) {
            assertFalse(cl.getSubcommands().containsKey(name), "tool subcommand " + name + " in the controller's command line");
        }
    }

    @Test
    void anUnknownSubcommandIsAUsageError() {
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        assertEquals(2, cl.execute("frobnicate"));
        assertTrue(err.toString().contains("frobnicate"), err.toString());
    }
}
