package dev.ndjsonparquet.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** One user command line: every production subcommand plus the tools, and Spark-side ones explain what they need. */
class MainTest {

    @Test
    void everySubcommandIsListedWithHelp() {
        CommandLine cl = Main.commandLine();
        List<String> expected = new ArrayList<>(names(dev.ndjsonparquet.controller.cli.Main.commandLine()));
        expected.addAll(List.of("plan", "demo", "run", "soak", "convert", "bench", "read-table"));
        assertEquals(expected, names(cl));
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        assertEquals(0, cl.execute("--help"));
        for (String name : expected) {
            assertTrue(out.toString().contains(name), name + " missing from --help:\n" + out);
        }
    }

    /** Subcommands by their names (an alias, such as the dispatcher's old name, maps to the same command). */
    private static List<String> names(CommandLine cl) {
        return cl.getSubcommands().entrySet().stream()
                .filter(e -> e.getKey().equals(e.getValue().getCommandName())).map(e -> e.getKey()).toList();
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
