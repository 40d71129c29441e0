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

    /**
     * Ctrl-C (or SIGTERM) interrupts the calling thread, whose command then prints its summary and stops
     * everything it started (Spark JVMs included); the JVM ends once {@link ShutdownGuard#close()} ran.
     */
    public static ShutdownGuard interruptOnShutdown() {
        return new ShutdownGuard(Thread.currentThread());
    }

    /** See {@link #interruptOnShutdown()}. */
    public static final class ShutdownGuard implements AutoCloseable {
        private final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        private final Thread hook;

        private ShutdownGuard(Thread worker) {
            this.hook = new Thread(() -> {
                worker.interrupt();
                try {
                    done.await(60, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "ndjson-parquet-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
        }

        @Override
        public void close() {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook is running and has just been released
            }
        }
    }

    /** The start of a report period (quarantine records older than this belong to an earlier run). */
    public static Instant now() {
        return Instant.now();
    }
}
