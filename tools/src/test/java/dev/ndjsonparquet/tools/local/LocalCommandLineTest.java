package dev.ndjsonparquet.tools.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.tools.cli.DemoCommand;
import dev.ndjsonparquet.tools.cli.Main;
import dev.ndjsonparquet.tools.cli.RunCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Command-line mistakes of demo and run: a clear message on stderr and exit 2, before anything starts. */
class LocalCommandLineTest {

    private static final Map<String, String> ENV = Map.of("NDJSON_PARQUET_SPARK_CLASSPATH", "/nowhere/spark-app.jar");

    @TempDir
    Path tmp;

    private final StringWriter err = new StringWriter();
    private final StringWriter out = new StringWriter();

    private int execute(Callable<Integer> command, String... args) {
        CommandLine cli = new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true);
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(out, true));
        return cli.execute(args);
    }

    private int main(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(out, true));
        return cli.execute(args);
    }

    @Test
    void anUnknownSubcommandIsNamed() {
        assertEquals(2, main("demoo"));
        assertTrue(err.toString().contains("demoo"), err::toString);
    }

    @Test
    void anUnknownFlagIsNamed() {
        assertEquals(2, main("demo", "--fils", "3"));
        assertTrue(err.toString().contains("--fils"), err::toString);
        assertEquals(2, main("run", "--input", tmp.toString(), "--output", tmp.resolve("o").toString(), "--wach"));
        assertTrue(err.toString().contains("--wach"), err::toString);
    }

    @Test
    void badValuesAreListedTogether() {
        assertEquals(2, execute(new DemoCommand(ENV), "--files", "many", "--file-size-mb", "-1", "--max-concurrent-runs", "0",
                "--dir", tmp.resolve("d").toString()));
        String text = err.toString();
        for (String key : new String[] {"files", "file-size-mb", "max-concurrent-runs"}) {
            assertTrue(text.contains(key + " (flag --" + key + ")"), () -> key + " not named in:\n" + text);
        }
        assertTrue(text.contains("'many'"), text);
        assertTrue(Files.notExists(tmp.resolve("d")), "nothing is created when the settings are bad");
    }

    @Test
    void runNeedsAnInputAndAnOutput() {
        assertEquals(2, execute(new RunCommand(ENV)));
        String text = err.toString();
        assertTrue(text.contains("input is required") && text.contains("output is required"), text);
    }

    @Test
    void aMissingInputDirectoryIsNamed() {
        Path missing = tmp.resolve("no-such-dir");
        assertEquals(2, execute(new RunCommand(ENV), "--input", missing.toString(), "--output", tmp.resolve("out").toString()));
        assertTrue(err.toString().contains(missing + " is not a directory"), err::toString);
    }

    @Test
    void withoutTheSparkApplicationTheLauncherSettingIsNamed() {
        assertEquals(2, execute(new DemoCommand(Map.of()), "--dir", tmp.resolve("d").toString()));
        assertTrue(err.toString().contains("spark-classpath is required") && err.toString().contains("NDJSON_PARQUET_SPARK_CLASSPATH"),
                err::toString);
    }

    @Test
    void theDemoRefusesToEmptyADirectoryItDidNotMake() throws Exception {
        Files.writeString(tmp.resolve("precious.txt"), "keep me");
        assertEquals(2, execute(new DemoCommand(ENV), "--dir", tmp.toString()));
        assertTrue(err.toString().contains("not empty and was not made by the demo"), err::toString);
        assertTrue(Files.exists(tmp.resolve("precious.txt")));
    }

    @Test
    void theSoakRefusesADirectoryItDidNotMakeAndStartsNothing() throws Exception {
        Files.writeString(tmp.resolve("precious.txt"), "keep me");
        assertEquals(2, execute(new dev.ndjsonparquet.tools.cli.SoakCommand(ENV), "--dir", tmp.toString()));
        assertTrue(err.toString().contains("not empty and was not made by the soak"), err::toString);
        assertTrue(Files.exists(tmp.resolve("precious.txt")));
    }

    @Test
    void bothCommandsTakeTheSharedVerboseFlagAndRunItsWatchFlag() {
        assertEquals(0, main("demo", "--help"));
        assertTrue(out.toString().contains("--verbose"), out::toString);
        out.getBuffer().setLength(0);
        assertEquals(0, main("run", "--help"));
        assertTrue(out.toString().contains("--verbose") && out.toString().contains("--watch"), out::toString);
    }
}
