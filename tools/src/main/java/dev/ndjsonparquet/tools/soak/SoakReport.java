package dev.ndjsonparquet.tools.soak;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The table a soak prints at the end. */
public final class SoakReport {

    private SoakReport() {
    }

    public static void print(Soak.Options o, Soak.Outcome out, PrintWriter w) {
        long files = sum(out, RoundResult::files);
        long versions = sum(out, RoundResult::versions);
        SoakCounts c = out.counts();
        w.println();
        w.printf(Locale.ROOT, "soak %s%n", arguments(o));
        w.println("| | |");
        w.println("|---|---|");
        row(w, "rounds", "%d (at most %d files each)", out.rounds().size(), o.filesPerRound());
        row(w, "files generated", "%,d (%,d versions: %,d overwritten after they were announced)", files, versions, versions - files);
        row(w, "lines generated", "%,d good, %,d bad", sum(out, RoundResult::goodLines), sum(out, RoundResult::badLines));
        row(w, "S3 events sent", "%,d", c.event("S3 events sent", 0));
        c.calls().forEach((server, n) -> row(w, "calls through the " + server + " proxy", "%,d", n));
        row(w, "faults injected", "%,d", c.totalFaults());
        c.faultsByKind().forEach((k, n) -> row(w, "  " + k, "%,d", n));
        Map<String, Long> byCall = new TreeMap<>(c.faultsByCall());
        StringBuilder calls = new StringBuilder();
        byCall.forEach((k, n) -> calls.append(calls.isEmpty() ? "" : ", ").append(k).append(' ').append(n));
        row(w, "faults by call", "%s", calls.isEmpty() ? "none" : calls);
        c.events().forEach((k, n) -> {
            if (!k.equals("S3 events sent")) {
                row(w, k, "%,d", n);
            }
        });
        row(w, "manifests", "%,d (%,d applications, %,d Spark executions)", sum(out, RoundResult::manifests),
                sum(out, RoundResult::applications), sum(out, RoundResult::sparkRuns));
        row(w, "rows found", "%,d", sum(out, RoundResult::rows));
        row(w, "bad records found", "%,d", sum(out, RoundResult::badRecords));
        row(w, "**lost**", "**%d**", sum(out, RoundResult::lost));
        row(w, "**duplicated**", "**%d**", sum(out, RoundResult::duplicated));
        row(w, "rows of no converted file", "%d", sum(out, RoundResult::unexpected));
        row(w, "bad records lost / duplicated", "%d / %d", sum(out, RoundResult::badRecordsLost), sum(out, RoundResult::badRecordsDuplicated));
        row(w, "rows of unfinished runs (no result record, left aside)", "%,d", sum(out, RoundResult::leftoverRows));
        Map<String, Long> outcomes = new TreeMap<>();
        out.rounds().forEach(r -> r.outcomes().forEach((k, n) -> outcomes.merge(k, n, Long::sum)));
        outcomes.forEach((k, n) -> row(w, "file versions " + k, "%,d", n));
        long problems = out.rounds().stream().mapToLong(r -> r.problems().size()).sum();
        row(w, "queues empty, no open batch, no application running", "%s", out.settled() && problems == 0 ? "yes" : "no");
        row(w, "problems", "%d", problems);
        row(w, "time taken", "%s", human(out.took()));
        w.println();
        if (out.passed() && files < o.files()) {
            w.printf(Locale.ROOT, "so far %,d of %,d files: every good line exactly once, every bad line once as a bad record, "
                    + "every file accounted for%n", files, o.files());
        } else if (out.passed()) {
            w.println("passed: every good line exactly once, every bad line once as a bad record, every file accounted for");
        } else {
            w.printf(Locale.ROOT, "FAILED with seed %d: %s%n", o.seed(), out.settled() ? "see the problems above" : out.unsettled());
            w.printf(Locale.ROOT, "repeat: ./ndjson-parquet soak %s%n", arguments(o));
        }
        w.flush();
    }

    /** The command line that repeats the soak. */
    public static String arguments(Soak.Options o) {
        return String.format(Locale.ROOT, "--files %d --fault-rate %s --seed %d --files-per-round %d --max-files-per-manifest %d "
                + "--max-batch-age-seconds %d%s", o.files(), o.faultRate(), o.seed(), o.filesPerRound(), o.maxFilesPerManifest(),
                o.maxBatchAgeSeconds(), o.without().isEmpty() ? "" : " --without " + String.join(",", o.without()));
    }

    private static String human(java.time.Duration d) {
        return String.format(Locale.ROOT, "%d min %02d s", d.toMinutes(), d.toSecondsPart());
    }

    private static long sum(Soak.Outcome out, java.util.function.ToLongFunction<RoundResult> f) {
        return out.rounds().stream().mapToLong(f).sum();
    }

    private static void row(PrintWriter w, String what, String format, Object... args) {
        w.printf(Locale.ROOT, "| %s | " + format + " |%n", prepend(what, args));
    }

    private static Object[] prepend(String what, Object[] args) {
        Object[] out = new Object[args.length + 1];
        out[0] = what;
        System.arraycopy(args, 0, out, 1, args.length);
        return out;
    }
}
