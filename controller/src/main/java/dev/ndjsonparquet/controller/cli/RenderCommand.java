package dev.ndjsonparquet.controller.cli;

import dev.ndjsonparquet.controller.aws.ManifestLoader;
import dev.ndjsonparquet.controller.dispatch.ApplicationTemplate;
import dev.ndjsonparquet.controller.dispatch.DispatcherSettings;
import dev.ndjsonparquet.controller.dispatch.SparkApplicationBuilder;
import dev.ndjsonparquet.location.DriverChecks;
import dev.ndjsonparquet.manifest.InvalidManifestException;
import dev.ndjsonparquet.settings.ResolvedSettings;
import dev.ndjsonparquet.settings.Setting;
import dev.ndjsonparquet.settings.SettingsException;
import dev.ndjsonparquet.settings.SettingsOptions;
import dev.ndjsonparquet.settings.SettingsResolver;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code ndjson-parquet render}: prints the SparkApplication the dispatcher would create for a manifest,
 * without a cluster or a queue. Reads the same config file as {@code controller}; settings that only
 * the controller uses are ignored.
 */
@Command(name = "render",
        mixinStandardHelpOptions = true,
        modelTransformer = RenderCommand.DeclaredSettings.class,
        sortOptions = false,
        description = {"Prints the SparkApplication YAML the dispatcher would create for a manifest.",
                "Each value comes from its flag, else its environment variable, else the --config file, else its default."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:the application was printed", "1:the manifest cannot be used (every problem is listed)",
                "2:bad usage, settings or template (every problem is listed)"})
public final class RenderCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandSpec spec;

    @Option(names = "--manifest", required = true, paramLabel = "<file>", description = "the manifest JSON file")
    Path manifest;

    @Option(names = "--manifest-uri", paramLabel = "<uri>",
            description = "the URI the Spark application reads the manifest from (default: the file's own URI), e.g. s3://bucket/manifests/m-....json")
    String manifestUri;

    @Option(names = "--attempt", defaultValue = "1", paramLabel = "<n>", description = "the attempt number to render (default: 1)")
    int attempt;

    @Option(names = "--config", paramLabel = "<file>",
            description = "Java properties file of controller settings, keys as the flags without the leading --")
    Path config;

    private final Map<String, String> env;

    public RenderCommand() {
        this(System.getenv());
    }

    /** For tests: the environment variables to read instead of the process's. */
    public RenderCommand(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public Integer call() {
        var err = spec.commandLine().getErr();
        DispatcherSettings.Application settings;
        ApplicationTemplate template;
        try {
            ResolvedSettings resolved = SettingsResolver.resolve(DispatcherSettings.RENDER,
                    SettingsOptions.flags(spec.commandLine().getParseResult(), DispatcherSettings.RENDER),
                    env, renderKeysOnly(SettingsResolver.readFile(config)));
            settings = DispatcherSettings.application(resolved);
            template = ApplicationTemplate.load(settings.template());
        } catch (SettingsException e) {
            err.println("render: " + e.getMessage());
            return CommandLine.ExitCode.USAGE;
        } catch (UncheckedIOException e) {
            err.println("render: " + e.getMessage());
            return CommandLine.ExitCode.USAGE;
        }
        List<String> problems = template.problems();
        if (!problems.isEmpty()) {
            err.println("render: " + new SettingsException(problems).getMessage());
            return CommandLine.ExitCode.USAGE;
        }
        ManifestLoader.Loaded m;
        try {
            m = new ManifestLoader(null, true).read(manifest.toAbsolutePath().toUri().toString());
        } catch (InvalidManifestException e) {
            err.println("render: " + manifest + ": " + String.join("; ", e.problems()));
            return CommandLine.ExitCode.SOFTWARE;
        } catch (UncheckedIOException e) {
            err.println("render: " + e.getMessage());
            return CommandLine.ExitCode.SOFTWARE;
        }
        String uri = manifestUri == null ? manifest.toAbsolutePath().toUri().toString() : manifestUri;
        String namespace = settings.namespace() == null ? "default" : settings.namespace();
        String app = settings.operator().render(settings, template, namespace,
                new SparkApplicationBuilder.Request(m.manifest(), uri, null, Math.max(1, attempt))
                        // The pin as the dispatcher passes it; the allow-lists come from the dispatcher's own settings.
                        .checkedBy(new DriverChecks(m.sha256(), null)));
        spec.commandLine().getOut().print(app);
        spec.commandLine().getOut().flush();
        return CommandLine.ExitCode.OK;
    }

    /** The controller's config file also holds queue URLs and the like: render takes only its own keys. */
    private static Map<String, String> renderKeysOnly(Map<String, String> file) {
        Set<String> controllerOnly = DispatcherSettings.ALL.stream().filter(s -> !DispatcherSettings.RENDER.contains(s))
                .map(Setting::key).collect(Collectors.toSet());
        Map<String, String> out = new HashMap<>(file);
        out.keySet().removeAll(controllerOnly);
        return out;
    }

    /** Adds one {@code --key} option per setting render declares. */
    public static final class DeclaredSettings implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec commandSpec) {
            SettingsOptions.addTo(commandSpec, DispatcherSettings.RENDER);
            return commandSpec;
        }
    }
}
