package dev.ndjsonparquet.tools.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/** Prints a {@link PlanResult}: a table for people, JSON for machines. No arithmetic beyond rounding. */
public final class PlanReport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PlanReport() {
    }

    public static String json(PlanResult r) {
        try {
            return JSON.writeValueAsString(r) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String text(PlanResult r) {
        PlanInputs in = r.inputs();
        PlanResult.Workload w = r.workload();
        PlanResult.Application a = r.application();
        PlanResult.Peak p = r.peak();
        PlanResult.Average v = r.average();
        PlanResult.Hours h = r.hoursPerDay();
        PlanResult.Cost c = r.cost();
        Out o = new Out();

        o.line("ndjson-parquet plan: %s nodes (%d vCPU, %s GiB), executors on spot at $%s/h, drivers on on-demand at $%s/h",
                in.nodeInstanceType(), in.nodeVcpu(), num(in.nodeMemoryGib()), num(in.spotPricePerHour()),
                num(in.onDemandPricePerHour()));
        o.line("");
        o.line("Workload");
        o.row("files per day", "%,d x %s GB = %,.1f TB/day", in.filesPerDay(), num(in.fileSizeGb()), w.tbPerDay());
        o.row("manifests per day", "%,d of %,d files (%,.1f GB each)", w.manifestsPerDay(), in.filesPerManifest(), w.manifestGb());
        o.row("files per hour, average / peak", "%,.0f / %,.0f (%,.1f manifests/hour at peak)",
                w.averageFilesPerHour(), w.peakFilesPerHour(), w.peakManifestsPerHour());
        o.line("");
        o.line("One Spark application per manifest");
        o.row("executors per application", "%d x %d cores = %d cores, plus a driver of %d core(s) (one per %s GiB of input)",
                a.executors(), in.executorCores(), a.executorCores(), in.driverCores(), num(in.sizing().bytesPerExecutorGiB()));
        o.row("duration", "%.1f min = %,.0f s start-up + %,.0f s converting (%,.0f core-seconds at %s MB/s per core)",
                a.durationSeconds() / 60, in.appStartupSeconds(), a.conversionSeconds(), a.coreSecondsPerManifest(),
                num(in.mbPerSecondPerCore()));
        o.row("pods per node", "%d executors (%d cores, %s GiB each) or %d drivers",
                a.executorsPerNode(), in.executorCores(), num(in.executorMemoryGib()), a.driversPerNode());
        o.line("");
        o.line("%-34s %12s %12s", "In flight", "peak", "average");
        o.line("  %-32s %12d %12.1f", "applications", p.applications(), v.applications());
        o.line("  %-32s %12d %12.1f", "executors", p.executors(), v.executors());
        o.line("  %-32s %12d %12.1f", "executor cores", p.executorCores(), v.executorCores());
        o.line("  %-32s %12d %12.1f", "spot nodes (executors)", p.spotNodes(), v.spotNodes());
        o.line("  %-32s %12d %12.1f", "on-demand nodes (drivers)", p.onDemandNodes(), v.onDemandNodes());
        o.line("  %-32s %12d %12.1f", "on-demand nodes (overflow)", p.overflowNodes(), v.overflowNodes());
        o.line("");
        o.line("Processing hours a day");
        o.row("application-hours", "%,.1f", h.applicationHours());
        o.row("executor core-hours", "%,.1f (%.1f MB/s per core with start-up included)",
                h.executorCoreHours(), h.effectiveMbPerSecondPerCore());
        o.row("spot node-hours", "%,.1f", h.spotNodeHours());
        o.row("on-demand node-hours", "%,.1f", h.onDemandNodeHours());
        o.row("overflow node-hours (on-demand)", "%,.1f (overflow share %s)", h.overflowNodeHours(), num(in.overflowShare()));
        o.line("");
        o.line("%-34s %12s %12s", "Cost, USD", "per day", "per month");
        o.line("  %-32s %,12.2f %,12.2f", "executors on spot", c.spotPerDay(), c.spotPerDay() * Plan.DAYS_PER_MONTH);
        o.line("  %-32s %,12.2f %,12.2f", "drivers on on-demand", c.onDemandPerDay(), c.onDemandPerDay() * Plan.DAYS_PER_MONTH);
        o.line("  %-32s %,12.2f %,12.2f", "executors on on-demand (overflow)", c.overflowPerDay(), c.overflowPerDay() * Plan.DAYS_PER_MONTH);
        o.line("  %-32s %,12.2f %,12.2f", "EKS control plane", c.controlPlanePerDay(), c.controlPlanePerDay() * Plan.DAYS_PER_MONTH);
        o.line("  %-32s %,12.2f %,12.2f", "this plan", c.perDay(), c.perMonth());
        o.line("");
        o.line("Original design, priced with its own formulas (hours scaled by daily volume)");
        o.line("  %-52s %12s %12s %10s %9s %16s", "option", "per day", "per month", "vCPU-h/day", "MB/s/vCPU", "saving/month");
        for (PlanResult.Comparison cmp : r.original()) {
            o.line("  %-52s %,12.2f %,12.2f %,10.0f %9.1f %,12.0f %3.0f%%", cmp.name(), cmp.perDay(), cmp.perMonth(),
                    cmp.vcpuHoursPerDay(), cmp.impliedMbPerSecondPerVcpu(), cmp.monthlySaving(), cmp.savingPercent());
            for (OriginalDesign.Phase ph : cmp.phases()) {
                o.line("      %s = $%,.3f/h x %.2f h/day", ph.what(), ph.perHour(), ph.hoursPerDay());
            }
        }
        o.line("  %-52s %,12.2f %,12.2f %,10.0f %9.1f", "this plan (executor cores only)", c.perDay(), c.perMonth(),
                h.executorCoreHours(), h.effectiveMbPerSecondPerCore());
        if (!r.notes().isEmpty()) {
            o.line("");
            r.notes().forEach(n -> o.line("note: %s", n));
        }
        return o.toString();
    }

    /**
     * The same workload at several overflow shares, one row each: what the README's cost section shows (generated;
     * PlanDocsTest checks it).
     */
    public static String overflowTable(List<PlanResult> results) {
        Out o = new Out();
        o.line("| Overflow share | Executors on spot | Executors on on-demand | Drivers (on-demand) | EKS | Per day | Per month | Executor nodes at peak, spot + on-demand |");
        o.line("|---|---|---|---|---|---|---|---|");
        for (PlanResult r : results) {
            PlanResult.Cost c = r.cost();
            int m = Plan.DAYS_PER_MONTH;
            o.line("| %.0f%% | %,.2f | %,.2f | %,.2f | %,.2f | %,.2f | **%,.2f** | %d + %d |", 100 * r.inputs().overflowShare(),
                    c.spotPerDay() * m, c.overflowPerDay() * m, c.onDemandPerDay() * m, c.controlPlanePerDay() * m,
                    c.perDay(), c.perMonth(), r.peak().spotNodes(), r.peak().overflowNodes());
        }
        return o.toString();
    }

    /** A number without trailing zeros: 4.0 -> "4", 0.768 -> "0.768". */
    private static String num(double d) {
        return d == Math.rint(d) && !Double.isInfinite(d) ? String.format(Locale.US, "%.0f", d)
                : java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    private static final class Out {
        private final StringBuilder sb = new StringBuilder();

        void line(String format, Object... args) {
            sb.append(String.format(Locale.US, format, args)).append(System.lineSeparator());
        }

        void row(String label, String format, Object... args) {
            line("  %-32s %s", label, String.format(Locale.US, format, args));
        }

        @Override
        public String toString() {
            return sb.toString();
        }
    }
}
