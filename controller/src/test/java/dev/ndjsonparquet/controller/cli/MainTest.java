package dev.ndjsonparquet.controller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** One launcher: every subcommand of the command line is listed, and Spark-side ones explain what they need. */
class MainTest {

    @Test
    void everySubcommandIsListedWithHelp() {
        CommandLine cl = Main.commandLine();
        for (String name : List.of("demo", "run", "convert", "render", "dispatcher", "builder", "backfill", "plan", "bench")) {
            assertTrue(cl.getSubcommands().containsKey(name), "missing subcommand " + name);
        }
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        assertEquals(0, cl.execute("--help"));
        assertTrue(out.toString().contains("convert") && out.toString().contains("bench"), out.toString());
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
    void sparkSideCommandsWithoutTheSparkClasspathSayWhatToDo() {
        Assumptions.assumeTrue(System.getenv(SparkSideCommand.CLASSPATH_ENV) == null, "the Spark classpath is set here");
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        assertEquals(2, cl.execute("convert", "--input", "x", "--output", "y"));
        assertTrue(err.toString().contains("mvn -q -B -DskipTests package"), err.toString());
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
