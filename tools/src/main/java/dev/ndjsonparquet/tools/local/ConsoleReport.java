package dev.ndjsonparquet.tools.local;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * The live progress of a local run and its closing summary. On a terminal one line is redrawn in place;
 * otherwise (output to a file or a pipe) a plain line is printed every few seconds when something changed.
 */
public final class ConsoleReport {

    private static final Duration PLAIN_EVERY = Duration.ofSeconds(5);

    private final PrintWriter out;
    private final boolean terminal;
    private final PipelineReport report;
    private String lastLine = "";
    private Instant lastPrinted = Instant.EPOCH;
    private boolean drawn;

    public ConsoleReport(PrintWriter out, boolean terminal, PipelineReport report) {
        this.out = out;
        this.terminal = terminal;
        this.report = report;
    }

    /** Shows the current figures (called about twice a second). */
    public void tick() {
        String line = line(report.snapshot());
        if (terminal) {
            out.print("\r" + line + "\u001b[K");
            out.flush();
            drawn = true;
        } else if (!figures(line).equals(figures(lastLine))
                && Duration.between(lastPrinted, Instant.now()).compareTo(PLAIN_EVERY) >= 0) {
            out.println(line);
            out.flush();
            lastLine = line;
            lastPrinted = Instant.now();
        }
    }

    /** Ends the progress display: the terminal line is kept, a plain run gets its last figures. */
    public void end() {
        if (terminal && drawn) {
            out.println();
        } else if (!terminal) {
            String line = line(report.snapshot());
            if (!figures(line).equals(figures(lastLine))) {
                out.println(line);
            }
        }
        out.flush();
    }

    /** Input MB per second of converting, per run (runs may overlap, so their rates are not summed). */
    static String rate(long bytes, long millis) {
        return millis <= 0 ? "n/a MB/s" : String.format(Locale.ROOT, "%.1f MB/s", bytes / 1e6 / (millis / 1000.0));
    }

    /** The line without its clock and rate, which change on every tick. */
    private static String figures(String line) {
        int start = line.indexOf(']');
        int rate = line.lastIndexOf(" | ");
        return start < 0 || rate < start ? line : line.substring(start + 1, rate);
    }

    static String line(PipelineReport.Snapshot s) {
        return String.format(Locale.ROOT,
                "[%5.1fs] files %d offered, %d batched, %d quarantined | manifests %d | applications %d running, %d done, "
                        + "%d failed | rows %,d | %.2f MB/s",
                s.elapsed().toMillis() / 1000.0, s.offered(), s.batched(), s.quarantined(), s.manifests(), s.running(),
                s.completed(), s.failed(), s.rows(), s.megabytesPerSecond());
    }

    /** The closing summary. */
    public void summary(String title, PipelineReport.Summary s, LocalPipeline.Layout layout, Path quarantineDir) {
        var t = s.totals();
        double seconds = Math.max(0.001, t.elapsed().toMillis() / 1000.0);
        out.println();
        long unfinished = t.manifests() - s.results().size();
        String how = s.succeeded() ? "done"
                : s.deadLettered().isEmpty() && s.failedRuns().isEmpty()
                ? "stopped with " + unfinished + " manifest(s) not converted yet (a new run with the same output finishes them)"
                : "FINISHED WITH FAILURES";
        out.printf(Locale.ROOT, "%s: %s in %.1f s%n", title, how, seconds);
        out.printf(Locale.ROOT, "  files        %d offered: %d batched into %d manifest(s), %d quarantined, %d duplicate(s)%n",
                t.offered(), t.batched(), t.manifests(), t.quarantined(), s.duplicates());
        out.printf(Locale.ROOT, "  applications %d completed, %d failed run(s), %d manifest(s) dead-lettered%n",
                s.results().size(), s.failedRuns().size(), s.deadLettered().size());
        out.printf(Locale.ROOT, "  records      %,d rows written, %,d bad records (%,d lines read)%n",
                s.rows(), s.badRecords(), s.linesRead());
        out.printf(Locale.ROOT, "  bytes        %s in, %s Parquet out%n", PipelineReport.mb(s.bytesIn()), PipelineReport.mb(s.bytesOut()));
        PipelineReport.TimeSpent time = s.timeSpent();
        out.printf(Locale.ROOT, "  Spark runs   %.1f s in %d run(s): %.1f s JVM and Spark start-up, %.1f s planning, "
                        + "%.1f s converting, %.1f s committing%n",
                time.runMillis() / 1000.0, s.results().size(), time.startupMillis() / 1000.0, time.planMillis() / 1000.0,
                time.convertMillis() / 1000.0, time.finishMillis() / 1000.0);
        out.printf(Locale.ROOT, "  throughput   %s converting (the engine on this machine, start-ups excluded), "
                        + "%.2f MB/s end to end including start-ups%n",
                rate(s.bytesIn(), time.convertMillis()), s.bytesIn() / 1e6 / seconds);
        for (PipelineReport.Quarantined q : s.quarantined()) {
            out.printf("  quarantined  %s: %s (%s)%n", q.source(), q.reason(), q.detail());
        }
        for (PipelineReport.Result r : s.results()) {
            for (String q : r.quarantinedFiles()) {
                out.printf("  quarantined  %s (by the Spark application, manifest %s)%n", q, r.manifestId());
            }
        }
        for (LocalSparkRunner.Finished f : s.failedRuns()) {
            out.printf("  failed run   %s attempt %d: %s%n", f.application(), f.attempt(), f.error());
        }
        for (String d : s.deadLettered()) {
            out.printf("  dead-letter  %s%n", d);
        }
        Path output = layout.output();
        out.printf("  Parquet      %s%n", output);
        out.printf("  bad records  %s%n", output.resolve("_bad_records"));
        out.printf("  results      %s%n", output.resolve("_results"));
        out.printf("  quarantine   %s%n", quarantineDir);
        out.printf("  logs         %s%n", layout.logs());
        out.flush();
    }
}
