package dev.ndjsonparquet.tools.soak;

import dev.ndjsonparquet.tools.local.SparkLaunch;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The soak: the whole pipeline, in rounds of at most {@code filesPerRound} files (each round on its own buckets, queues and
 * namespace, so that S3Mock's per-bucket cost stays flat), with faults on every S3, SQS and Kubernetes call the
 * components and the Spark drivers make, kills, second replicas, lost and zombie drivers and redrives; each round
 * checked by {@link SoakCheck}. Seeded: each call's fault, each driver's fate and each input are functions of the seed,
 * and the chaos schedule is one random source per round. Thread timing still differs between two runs, so a failure
 * is reproduced by its seed in what it injects, not necessarily in its interleaving.
 */
public final class Soak {

    private static final Logger LOG = LoggerFactory.getLogger(Soak.class);

    /** What to run. */
    public record Options(int files, double faultRate, long seed, Duration duration, int filesPerRound, int maxFilesPerManifest,
                          int maxBatchAgeSeconds, List<String> without, Path dir, SparkLaunch launch) {
    }

    /** What the soak found: every round's result, the counts, and whether the invariant held everywhere. */
    public record Outcome(List<RoundResult> rounds, SoakCounts counts, Duration took, boolean settled, String unsettled) {
        /** The invariant held in every round run (a soak stopped early has run fewer files than asked). */
        public boolean passed() {
            return settled && rounds.stream().allMatch(r -> r.problems().isEmpty());
        }
    }

    private Soak() {
    }

    /**
     * @param logging started once the servers run (S3Mock's Spring Boot resets the logging set up before it), closed at
     *                the end: where the pipeline's log lines go
     */
    public static Outcome run(Options o, PrintWriter progress, java.util.function.Supplier<AutoCloseable> logging) {
        return run(o, progress, logging, soFar -> { });
    }

    /** As {@link #run(Options, PrintWriter, java.util.function.Supplier)}, telling {@code afterRound} what was found so far. */
    public static Outcome run(Options o, PrintWriter progress, java.util.function.Supplier<AutoCloseable> logging,
                              java.util.function.Consumer<Outcome> afterRound) {
        SoakOptions.Parts parts = SoakOptions.without(o.without());
        Instant started = Instant.now();
        Instant deadline = started.plus(o.duration());
        SoakCounts counts = new SoakCounts();
        // spark-operator's stand-in is not this project's code: its calls are not faulted.
        FaultSchedule schedule = new FaultSchedule(o.seed(), o.faultRate(), parts.faults(), Set.of("operator"));
        List<RoundResult> results = new ArrayList<>();
        try (SoakServers servers = SoakServers.start(schedule, counts); AutoCloseable logs = logging.get()) {
            int rounds = (o.files() + o.filesPerRound() - 1) / o.filesPerRound();
            for (int r = 1; r <= rounds; r++) {
                int files = Math.min(o.filesPerRound(), o.files() - (r - 1) * o.filesPerRound());
                long seed = FaultSchedule.mix(o.seed(), r, 0);
                SoakRound.Plan plan = new SoakRound.Plan(r, files, seed, r * 1_000_000_000L, parts.inputs(), parts.chaos(),
                        o.maxFilesPerManifest(), o.maxBatchAgeSeconds(), deadline);
                progress.printf("round %d of %d: %d files%n", r, rounds, files);
                progress.flush();
                Path dir = o.dir().resolve("round-" + r);
                try (SoakRound round = new SoakRound(servers, plan, counts, o.launch(), o.dir().resolve("spark-logs"))) {
                    boolean settled = round.run();
                    if (!settled) {
                        String state = round.describeState();
                        LOG.error("round {} did not settle before the deadline: {}", r, state);
                        return new Outcome(results, counts, Duration.between(started, Instant.now()), false,
                                "round " + r + " did not settle within --duration: " + state);
                    }
                    round.close();
                    RoundResult result = SoakCheck.check(round, servers.s3, dir, seed, r, files, round.sparkRuns());
                    results.add(result);
                    progress.printf("round %d: %,d rows, %,d bad records, lost %d, duplicated %d, %d problem(s)%n", r, result.rows(),
                            result.badRecords(), result.lost(), result.duplicated(), result.problems().size());
                    result.problems().forEach(p -> progress.println("  problem: " + p));
                    progress.flush();
                    afterRound.accept(new Outcome(List.copyOf(results), counts, Duration.between(started, Instant.now()), true, null));
                }
            }
        } catch (Exception e) {
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e);
        }
        return new Outcome(results, counts, Duration.between(started, Instant.now()), true, null);
    }
}
