package dev.ndjsonparquet.tools.local;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import dev.ndjsonparquet.settings.ResolvedSettings;
import dev.ndjsonparquet.settings.Setting;
import dev.ndjsonparquet.settings.SettingsResolver;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
     * The progress lines and the summary are the display of {@code demo} and {@code run}: the pipeline's own
     * log lines (JSON) go to {@code file} instead of stderr, on a terminal and in a pipe or CI log alike,
     * unless {@code verbose}. Closing the returned handle puts stderr back (tests run several commands in
     * one JVM). LOG_LEVEL still sets the level.
     */
    public static Restore logToFile(Path file, boolean verbose) {
        if (verbose || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return () -> { };
        }
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            return () -> { }; // no log directory: keep logging to stderr
        }
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        List<Appender<ILoggingEvent>> consoles = new ArrayList<>();
        root.iteratorForAppenders().forEachRemaining(a -> {
            if (a instanceof ConsoleAppender) {
                consoles.add(a);
            }
        });
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.setWithFormattedMessage(true);
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.setWithContext(false);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.start();
        FileAppender<ILoggingEvent> toFile = new FileAppender<>();
        toFile.setContext(context);
        toFile.setName("ndjson-parquet-local-file");
        toFile.setFile(file.toString());
        toFile.setAppend(true);
        toFile.setEncoder(encoder);
        toFile.start();
        root.addAppender(toFile);
        consoles.forEach(root::detachAppender);
        return () -> {
            consoles.forEach(root::addAppender);
            root.detachAppender(toFile);
            toFile.stop();
        };
    }

    /** Undoes what {@link #logToFile} did. */
    @FunctionalInterface
    public interface Restore extends AutoCloseable {
        @Override
        void close();
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
