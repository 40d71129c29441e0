package dev.ndjsonparquet.controller.k8s;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leadership through a {@code coordination.k8s.io/v1} Lease, so that of several replicas only one does
 * the work. Wraps Fabric8's {@link LeaderElector}: when leadership is lost the wrapper stops leading and
 * joins the election again, until {@link #close()} releases the Lease. Work loops ask {@link #isLeader()}
 * before every step, so a replica that lost the Lease stops within one step.
 *
 * <p>API calls: leases get, create and patch (Fabric8's LeaseLock renews with a patch).
 */
public final class LeaseLeadership implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseLeadership.class);

    /**
     * @param namespace     where the Lease lives
     * @param leaseName     the Lease's name, one per role (dispatcher, builder)
     * @param identity      this replica's identity (the pod name)
     * @param leaseDuration how long a Lease is valid without renewal
     * @param renewDeadline how long the leader keeps trying to renew before it gives up
     * @param retryPeriod   how often candidates try to acquire and the leader renews
     */
    public record Config(String namespace, String leaseName, String identity,
                         Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
        public Config {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(leaseName, "leaseName");
            Objects.requireNonNull(identity, "identity");
        }

        /** Kubernetes' usual timings: 15 s lease, 10 s renew deadline, 2 s retry. */
        public static Config of(String namespace, String leaseName, String identity) {
            return new Config(namespace, leaseName, identity,
                    Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
        }

        /** The pod name (HOSTNAME) when there is one, else a random id. */
        public static String defaultIdentity() {
            String host = System.getenv("HOSTNAME");
            return host == null || host.isBlank() ? "ndjson-parquet-" + UUID.randomUUID() : host;
        }
    }

    /** What the owner wants to hear about; both run on the election thread and must return quickly. */
    public interface Listener {
        void startedLeading();

        void stoppedLeading();
    }

    private final KubernetesClient client;
    private final Config config;
    private final Listener listener;
    private final ExecutorService executor;
    private final AtomicBoolean leader = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicReference<String> currentLeader = new AtomicReference<>();
    private final AtomicReference<CompletableFuture<?>> running = new AtomicReference<>();
    private final AtomicReference<LeaderElector> elector = new AtomicReference<>();

    private LeaseLeadership(KubernetesClient client, Config config, Listener listener) {
        this.client = client;
        this.config = config;
        this.listener = listener;
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "lease-" + config.leaseName());
            t.setDaemon(true);
            return t;
        });
    }

    /** Joins the election in the background and returns at once. */
    public static LeaseLeadership start(KubernetesClient client, Config config, Listener listener) {
        LeaseLeadership l = new LeaseLeadership(client, config, listener);
        l.join();
        return l;
    }

    /** Joins without a listener: poll {@link #isLeader()}. */
    public static LeaseLeadership start(KubernetesClient client, Config config) {
        return start(client, config, new Listener() {
            @Override
            public void startedLeading() {
            }

            @Override
            public void stoppedLeading() {
            }
        });
    }

    public boolean isLeader() {
        return leader.get() && !closed.get();
    }

    /** The identity of the current leader as last observed, or null if none yet. */
    public String currentLeader() {
        return currentLeader.get();
    }

    public Config config() {
        return config;
    }

    private void join() {
        if (closed.get()) {
            return;
        }
        LeaderElector e = new LeaderElector(client, new LeaderElectionConfigBuilder()
                        .withName(config.leaseName())
                        .withLock(new LeaseLock(config.namespace(), config.leaseName(), config.identity()))
                        .withLeaseDuration(config.leaseDuration())
                        .withRenewDeadline(config.renewDeadline())
                        .withRetryPeriod(config.retryPeriod())
                        .withReleaseOnCancel(true)
                        .withLeaderCallbacks(new LeaderCallbacks(this::onStart, this::onStop, currentLeader::set))
                        .build(), executor);
        elector.set(e);
        CompletableFuture<?> f = e.start();
        running.set(f);
        f.whenComplete((ok, error) -> {
            if (error != null && !closed.get() && !(error instanceof java.util.concurrent.CancellationException)) {
                LOG.warn("leader election for lease {} ended with an error; joining again", config.leaseName(), error);
            }
            if (!closed.get()) {
                // Lost the lease (or never got it and the elector gave up): stand again after a pause.
                CompletableFuture.delayedExecutor(config.retryPeriod().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS, executor)
                        .execute(this::join);
            }
        });
    }

    private void onStart() {
        leader.set(true);
        LOG.info("became leader of lease {}/{} as {}", config.namespace(), config.leaseName(), config.identity());
        listener.startedLeading();
    }

    private void onStop() {
        if (leader.getAndSet(false)) {
            LOG.info("stopped leading lease {}/{}", config.namespace(), config.leaseName());
            listener.stoppedLeading();
        }
    }

    /** Leaves the election and releases the Lease if held, so another replica takes over at once. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        CompletableFuture<?> f = running.get();
        if (f != null) {
            f.cancel(true);
        }
        onStop();
        executor.shutdownNow();
    }
}
