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
        for (String name : List.of("render", "dispatcher", "builder", "backfill", "maintain")) {
            assertTrue(cl.getSubcommands().containsKey(name), "missing subcommand " + name);
        }
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        assertEquals(0, cl.execute("--help"));
        assertTrue(out.toString().contains("backfill"), out.toString());
    }

    @Test
    void theOldControllerNameStillRunsTheDispatcherButTheHelpOffersOnlyDispatcher() {
        CommandLine cl = Main.commandLine();
        assertTrue(cl.getSubcommands().get("controller").getCommand() instanceof DispatcherCommand,
                "controller is an alias of the dispatcher for one release");
        StringWriter list = new StringWriter();
        cl.setOut(new PrintWriter(list));
        assertEquals(0, cl.execute("--help"));
        assertTrue(list.toString().lines().anyMatch(l -> l.trim().startsWith("dispatcher ")), list.toString());
        assertTrue(list.toString().lines().noneMatch(l -> l.contains("controller")), list.toString());

        CommandLine again = Main.commandLine();
        StringWriter help = new StringWriter();
        again.setOut(new PrintWriter(help));
        assertEquals(0, again.execute("controller", "--help"));
        assertTrue(help.toString().startsWith("Usage: ndjson-parquet dispatcher "), help.toString());
        assertTrue(help.toString().contains("Formerly 'controller'"), help.toString());
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
