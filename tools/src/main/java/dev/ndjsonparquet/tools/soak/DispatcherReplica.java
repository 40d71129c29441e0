package dev.ndjsonparquet.tools.soak;

import dev.ndjsonparquet.controller.aws.ManifestLoader;
import dev.ndjsonparquet.controller.aws.SqsQueue;
import dev.ndjsonparquet.controller.dispatch.ApplicationTemplate;
import dev.ndjsonparquet.controller.dispatch.Dispatcher;
import dev.ndjsonparquet.controller.dispatch.DispatcherSettings;
import dev.ndjsonparquet.controller.k8s.EventRecorder;
import dev.ndjsonparquet.controller.k8s.LeaseLeadership;
import dev.ndjsonparquet.controller.k8s.SparkApplications;
import dev.ndjsonparquet.controller.observability.DispatcherMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/** A dispatcher replica as the dispatcher command runs one: the real {@link Dispatcher}, acting while it holds the Lease. */
final class DispatcherReplica extends Replica {

    static final Dispatcher.Timing TIMING = new Dispatcher.Timing(1, 1, Duration.ofMillis(300), Duration.ofSeconds(2), Duration.ofMinutes(10));

    private final SoakServers servers;
    private final DispatcherSettings settings;
    private final ApplicationTemplate template;
    private final String namespace;
    private volatile Dispatcher dispatcher;

    DispatcherReplica(String name, SoakServers servers, DispatcherSettings settings, ApplicationTemplate template, String namespace) {
        super(name, servers.callers);
        this.servers = servers;
        this.settings = settings;
        this.template = template;
        this.namespace = namespace;
    }

    @Override
    void body() {
        try (KubernetesClient k8s = servers.kubernetes(name); S3Client s3 = servers.s3(name); SqsClient sqs = servers.sqs(name)) {
            leadership = LeaseLeadership.start(k8s, new LeaseLeadership.Config(namespace, settings.leaseName(), name, LEASE, RENEW, RETRY));
            Dispatcher d = Dispatcher.of(settings, template, namespace,
                    new Dispatcher.Adapters(new SqsQueue(sqs, settings.manifestQueueUrl()), new SqsQueue(sqs, settings.deadLetterQueueUrl()),
                            new ManifestLoader(s3, false), new SparkApplications(k8s, namespace),
                            new EventRecorder(k8s, namespace, "ndjson-parquet-dispatcher", name),
                            new DispatcherMetrics(new SimpleMeterRegistry())),
                    this::isLeader, Clock.systemUTC(), TIMING);
            dispatcher = d;
            Thread watch = new Thread(() -> {
                while (running()) {
                    sleep(Duration.ofMillis(200));
                }
                d.stop();
            }, "soak-" + name + "-watch");
            watch.setDaemon(true);
            watch.start();
            d.run();
        }
    }

    @Override
    void stop() {
        super.stop();
        Dispatcher d = dispatcher;
        if (d != null) {
            d.stop();
        }
    }
}
