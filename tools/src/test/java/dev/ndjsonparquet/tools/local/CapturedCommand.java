package dev.ndjsonparquet.tools.local;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/** A command of the tools' CLI run as a user would run it, its standard output and error kept for the assertions. */
final class CapturedCommand {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final CommandLine cli;

    CapturedCommand(Callable<Integer> command) {
        cli = new CommandLine(command);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
    }

    /** Runs the command; its exit code. */
    int execute(String... args) {
        return cli.execute(args);
    }

    /** What it printed so far on stdout (safe to call while it runs on another thread). */
    String out() {
        return out.toString();
    }

    String err() {
        return err.toString();
    }
}
