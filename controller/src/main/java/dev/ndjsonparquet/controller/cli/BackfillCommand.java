package dev.ndjsonparquet.controller.cli;

import dev.ndjsonparquet.controller.aws.AwsClients;
import dev.ndjsonparquet.controller.aws.SqsQueue;
import dev.ndjsonparquet.controller.builder.BatchEngine;
import dev.ndjsonparquet.controller.builder.BuilderAssembly;
import dev.ndjsonparquet.controller.builder.BuilderMetrics;
import dev.ndjsonparquet.controller.builder.BuilderSettings;
import dev.ndjsonparquet.controller.builder.ObjectStore;
import dev.ndjsonparquet.controller.builder.ListingSweep;
import dev.ndjsonparquet.controller.builder.S3ObjectStore;
import dev.ndjsonparquet.controller.builder.Step;
import dev.ndjsonparquet.controller.builder.StoreUri;
import dev.ndjsonparquet.settings.SettingsException;
import dev.ndjsonparquet.settings.SettingsOptions;
import dev.ndjsonparquet.settings.SettingsResolver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code ndjson-parquet backfill}: lists S3 prefixes once and feeds every object through the builder's
 * checks, ledger and batching, for initial loads and reprocessing. Files already claimed (by the builder or
 * an earlier backfill) are skipped, so a partly processed prefix yields manifests of the new files only.
 * The last, partial batch is shipped at the end. It may run while the builder runs (the ledger decides each
 * file once). Its batches belong to the owner {@code backfill}, which has its own term in the ledger: a
 * second backfill started meanwhile raises the term, and the first stops at its next file (fenced) instead
 * of shipping batches the second one also ships. A re-run finishes the batches a killed one left open.
 */
@Command(name = "backfill",
        mixinStandardHelpOptions = true,
        modelTransformer = BackfillCommand.DeclaredSettings.class,
        sortOptions = false,
        description = {"Lists S3 prefixes and batches every object not yet claimed into manifests, with the builder's checks.",
                "Each value comes from its flag, else its environment variable, else the --config file, else its default."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:every listed object was settled", "1:the listing or a write failed (a re-run continues)",
                "2:bad usage or settings (every problem is listed)"})
public final class BackfillCommand implements Callable<Integer> {

    static final String OWNER = "backfill";

    @CommandLine.Spec
    CommandSpec spec;

    @Option(names = "--source", required = true, paramLabel = "<s3://bucket/prefix>",
            description = "Prefix to list; repeat for several")
    List<String> sources;

    @Option(names = "--since", paramLabel = "<time>",
            description = "Only objects modified after this time: an ISO-8601 instant (2026-01-01T00:00:00Z) or an age (PT6H, P2D)")
    String since;

    @Option(names = "--config", paramLabel = "<file>",
            description = "Java properties file of builder settings, keys as the flags without the leading --")
    Path config;

    private final Map<String, String> env;
    private final BiFunction<String, URI, AwsClients> aws;
    private final Clock clock;

    public BackfillCommand() {
        this(System.getenv(), AwsClients::create, Clock.systemUTC());
    }

    /** For tests: the environment, the AWS clients and the clock to use. */
    public BackfillCommand(Map<String, String> env, BiFunction<String, URI, AwsClients> aws, Clock clock) {
        this.env = Map.copyOf(env);
        this.aws = aws;
        this.clock = clock;
    }

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        BuilderSettings settings;
        List<StoreUri> prefixes = new ArrayList<>();
        Instant newerThan;
        try {
            settings = BuilderSettings.from(SettingsResolver.resolve(BuilderSettings.BACKFILL,
                    SettingsOptions.flags(spec.commandLine().getParseResult(), BuilderSettings.BACKFILL),
                    env, SettingsResolver.readFile(config)), BuilderSettings.BACKFILL);
            for (String s : sources) {
                prefixes.add(StoreUri.parse(s));
            }
            newerThan = since == null ? null : parseSince(since, clock.instant());
        } catch (SettingsException | IllegalArgumentException e) {
            err.println("backfill: " + e.getMessage());
            return CommandLine.ExitCode.USAGE;
        }
        try (AwsClients clients = aws.apply(settings.awsRegion(), settings.awsEndpointUrl())) {
            String queueProblem = new SqsQueue(clients.sqs(), settings.manifestQueueUrl()).problem();
            List<String> problems = new ArrayList<>(queueProblem == null ? List.of() : List.of("manifest-queue-url: " + queueProblem));
            List<Map.Entry<String, StoreUri>> locations = new ArrayList<>(List.of(
                    Map.entry("manifest-location", settings.manifestLocation()),
                    Map.entry("ledger-location", settings.ledgerLocation()),
                    Map.entry("quarantine-location", settings.quarantineLocation())));
            prefixes.forEach(p -> locations.add(Map.entry("--source", p)));
            problems.addAll(BuilderCommand.bucketProblems(clients.s3(), locations));
            if (!problems.isEmpty()) {
                err.println("backfill: " + problems.size() + " start-up check(s) failed:\n  - " + String.join("\n  - ", problems));
                return CommandLine.ExitCode.SOFTWARE;
            }
            ObjectStore store = new S3ObjectStore(clients.s3());
            BuilderMetrics metrics = new BuilderMetrics(new SimpleMeterRegistry());
            BatchEngine engine = BuilderAssembly.engine(settings, store, clients.sqs(), metrics, Step.StepHook.NONE, clock, OWNER);
            List<String> recovered = engine.recover();
            if (!recovered.isEmpty()) {
                out.printf("finished %d batch(es) an earlier backfill left open%n", recovered.size());
            }
            for (StoreUri prefix : prefixes) {
                ListingSweep.Summary s = ListingSweep.feed(store, engine, prefix, newerThan);
                out.printf("%s: %d listed, %d accepted, %d already claimed, %d quarantined, %d older than --since%n",
                        prefix, s.listed(), s.accepted(), s.duplicates(), s.quarantined(), s.skippedOlder());
            }
            engine.flush();
            out.printf("%d manifest(s) sent%n", (long) metrics.manifestCount());
            out.flush();
            return CommandLine.ExitCode.OK;
        } catch (RuntimeException e) {
            err.println("backfill: stopped: " + e.getMessage() + " (a re-run continues where this one stopped)");
            return CommandLine.ExitCode.SOFTWARE;
        }
    }

    static Instant parseSince(String value, Instant now) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException notInstant) {
            try {
                return now.minus(Duration.parse(value));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("--since '" + value + "' is neither an instant (2026-01-01T00:00:00Z) nor an age (PT6H, P2D)");
            }
        }
    }

    /** Adds one {@code --key} option per setting the backfill reads. */
    public static final class DeclaredSettings implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec commandSpec) {
            SettingsOptions.addTo(commandSpec, BuilderSettings.BACKFILL);
            return commandSpec;
        }
    }
}
