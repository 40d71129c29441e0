package dev.ndjsonparquet.tools.soak;

import dev.ndjsonparquet.controller.builder.BatchEngine;
import dev.ndjsonparquet.controller.builder.BuilderAssembly;
import dev.ndjsonparquet.controller.builder.BuilderMetrics;
import dev.ndjsonparquet.controller.builder.BuilderSettings;
import dev.ndjsonparquet.controller.builder.S3ObjectStore;
import dev.ndjsonparquet.controller.builder.Step;
import dev.ndjsonparquet.controller.k8s.LeaseLeadership;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A builder replica as the {@code builder} command runs one: while it holds the builder's Lease, a term of the real
 * engine and ingest loop ({@link BuilderAssembly}), started from the ledger; on becoming leader it first waits out the
 * longest call a previous leader may still be inside.
 */
final class BuilderReplica extends Replica {

    private final SoakServers servers;
    private final BuilderSettings settings;
    private final String namespace;
    private final SoakCounts counts;

    BuilderReplica(String name, SoakServers servers, BuilderSettings settings, String namespace, SoakCounts counts) {
        super(name, servers.callers);
        this.servers = servers;
        this.settings = settings;
        this.namespace = namespace;
        this.counts = counts;
    }

    @Override
    void body() {
        try (KubernetesClient k8s = servers.kubernetes(name); S3Client s3 = servers.s3(name); SqsClient sqs = servers.sqs(name)) {
            leadership = LeaseLeadership.start(k8s, new LeaseLeadership.Config(namespace, settings.leaseName(), name, LEASE, RENEW, RETRY));
            S3ObjectStore store = new S3ObjectStore(s3);
            BuilderMetrics metrics = new BuilderMetrics(new SimpleMeterRegistry());
            Clock clock = Clock.systemUTC();
            boolean waitOut = true;
            while (running()) {
                if (!isLeader()) {
                    waitOut = true;
                    sleep(Duration.ofMillis(200));
                    continue;
                }
                if (waitOut) {
                    Instant until = Instant.now().plus(LEASE.plus(SoakServers.CALL_TIMEOUT));
                    while (isLeader() && Instant.now().isBefore(until)) {
                        sleep(Duration.ofMillis(200));
                    }
                    waitOut = false;
                    continue;
                }
                try {
                    counts.event("builder terms started");
                    BatchEngine engine = BuilderAssembly.engine(settings, store, sqs, metrics, Step.StepHook.NONE, clock, "builder");
                    BuilderAssembly.loop(settings, engine, store, sqs, metrics, Step.StepHook.NONE, clock)
                            .withMaxWaitSeconds(1).run(this::isLeader);
                    waitOut = true;
                } catch (RuntimeException e) {
                    if (running()) {
                        counts.event("builder terms ended by an error (started again from the ledger)");
                        sleep(Duration.ofSeconds(1));
                    }
                }
            }
        }
    }
}
