package dev.ndjsonparquet.tools.soak;

import dev.ndjsonparquet.controller.builder.BuilderSettings;
import dev.ndjsonparquet.settings.Setting;
import dev.ndjsonparquet.tools.local.LocalSettings;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The settings of {@code soak}; the builder's batch size and the local Spark side's are reused, not redeclared. */
public final class SoakSettings {

    public static final Setting<Integer> FILES = Setting.integer("files")
            .env("SOAK_FILES").defaultValue(300).atLeast(1)
            .describedAs("Input files generated (small: the point is the number of calls and faults)")
            .build();
    public static final Setting<Double> FAULT_RATE = Setting.decimal("fault-rate")
            .env("SOAK_FAULT_RATE").defaultValue(0.01)
            .check(v -> v >= 0 && v <= 0.5 ? Optional.empty() : Optional.of("must be between 0 and 0.5"))
            .describedAs("Probability of a fault on each S3, SQS and Kubernetes call (fails before taking effect, takes effect "
                    + "then fails, or slow beyond the timeout)")
            .build();
    public static final Setting<Long> SEED = Setting.longInt("seed")
            .env("SOAK_SEED")
            .describedAs("Seed of every random choice (faults, inputs, chaos); empty: a new one, printed. A failure names it")
            .build();
    public static final Setting<Duration> DURATION = Setting.of("duration", "duration", SoakSettings::duration)
            .env("SOAK_DURATION").defaultValue(Duration.ofHours(2))
            .describedAs("Longest the soak may take (e.g. 30m, 2h); a round not settled by then fails the soak, saying what was left")
            .build();
    public static final Setting<Integer> FILES_PER_ROUND = Setting.integer("files-per-round")
            .env("SOAK_FILES_PER_ROUND").defaultValue(2000).atLeast(1)
            .describedAs("Files per round; each round runs on new buckets, queues and namespace (S3Mock's cost per write grows "
                    + "with the objects of a bucket)")
            .build();
    public static final Setting<String> WITHOUT = Setting.string("without")
            .env("SOAK_WITHOUT").defaultValue("")
            .describedAs("Comma-separated parts left out: fails-before, takes-effect-then-fails, slow, plain, gzip-members, "
                    + "bzip2, zstd, too-small, too-large, bad-lines, odd-keys, kills, second-replicas, drivers, redrives, "
                    + "overwrites, duplicate-events, poison")
            .check(v -> {
                try {
                    SoakOptions.without(list(v));
                    return Optional.empty();
                } catch (IllegalArgumentException e) {
                    return Optional.of(e.getMessage());
                }
            })
            .build();
    public static final Setting<String> DIR = Setting.string("dir")
            .env("SOAK_DIR")
            .describedAs("Directory of the soak's logs and downloaded output, emptied first when an earlier soak made it "
                    + "and refused when it holds anything else; empty: ndjson-parquet-soak in the system's temporary directory")
            .build();

    /** Only the soak's own, in the order of the docs/soak.md table. */
    public static final List<Setting<?>> OWN = List.of(FILES, FAULT_RATE, SEED, DURATION, FILES_PER_ROUND, WITHOUT, DIR);

    public static final List<Setting<?>> ALL = List.of(FILES, FAULT_RATE, SEED, DURATION, FILES_PER_ROUND, WITHOUT, DIR,
            BuilderSettings.MAX_FILES_PER_MANIFEST, BuilderSettings.MAX_BATCH_AGE_SECONDS, LocalSettings.SPARK_CLASSPATH,
            LocalSettings.SPARK_JAVA_OPTS);

    /** The soak's defaults of the builder's settings it reuses: small manifests that close quickly. */
    public static java.util.Map<String, String> defaults() {
        return java.util.Map.of(BuilderSettings.MAX_FILES_PER_MANIFEST.key(), "100", BuilderSettings.MAX_BATCH_AGE_SECONDS.key(), "5");
    }

    private SoakSettings() {
    }

    public static List<String> list(String commaSeparated) {
        return commaSeparated == null || commaSeparated.isBlank() ? List.of()
                : Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    static Duration duration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("pt") || t.startsWith("p")) {
            return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
        }
        if (t.matches("\\d+(s|m|h)")) {
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            return switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        throw new IllegalArgumentException("expected a duration such as 45m, 2h or PT90M");
    }
}
