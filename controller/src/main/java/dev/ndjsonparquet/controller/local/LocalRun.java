package dev.ndjsonparquet.controller.local;

import dev.ndjsonparquet.settings.ResolvedSettings;
import dev.ndjsonparquet.settings.Setting;
import dev.ndjsonparquet.settings.SettingsResolver;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What {@code demo} and {@code run} share: settings, the pipeline's life and the report. */
public final class LocalRun {

    private LocalRun() {
    }

    /** Flags, then environment, then the local defaults, then each setting's declared default. */
    public static ResolvedSettings resolve(List<Setting<?>> declared, Map<String, String> flags, Map<String, String> env,
                                           Map<String, String> localDefaults) {
        return SettingsResolver.resolve(declared, flags, env, localDefaults);
    }

    /**
     * On a terminal the progress line is the display: the pipeline's own log lines (JSON on stderr) are
     * limited to warnings unless LOG_LEVEL asks otherwise. Works with logback (the controller's binding);
     * with any other binding nothing changes.
     */
    public static void quietLogs(Map<String, String> env) {
        if (env.containsKey("LOG_LEVEL")) {
            return;
        }
        Logger logger = LoggerFactory.getLogger("dev.ndjsonparquet");
        try {
            Class<?> level = Class.forName("ch.qos.logback.classic.Level");
            logger.getClass().getMethod("setLevel", level).invoke(logger, level.getField("WARN").get(null));
        } catch (ReflectiveOperationException | RuntimeException e) {
            // another binding: keep its configuration
        }
    }

    /** Waits until the pipeline is idle, showing progress; false when interrupted first. */
    public static boolean awaitIdle(LocalPipeline pipeline, ConsoleReport console) {
        return pipeline.awaitIdle(console::tick);
    }

    /** Ends the display, prints the summary; true when every manifest converted. */
    public static boolean finish(String title, PipelineReport report, ConsoleReport console, LocalPipeline pipeline,
                                 PrintWriter out) {
        console.end();
        PipelineReport.Summary s = report.summary();
        LocalPipeline.Layout l = pipeline.layout();
        console.summary(title, s, l, l.dir(pipeline.builderSettings().quarantineLocation()));
        out.flush();
        return s.succeeded();
    }

    /** The start of a report period (quarantine records older than this belong to an earlier run). */
    public static Instant now() {
        return Instant.now();
    }
}
