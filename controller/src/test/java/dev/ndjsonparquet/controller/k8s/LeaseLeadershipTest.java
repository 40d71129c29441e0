package dev.ndjsonparquet.controller.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class LeaseLeadershipTest {

    static KubernetesClient client;

    private static LeaseLeadership.Config config(String identity) {
        return new LeaseLeadership.Config("default", "lease-test", identity,
                Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofMillis(500));
        // Generous lease and renewal times: a loaded 2-core CI machine must not lose a healthy leader.
    }

    @Test
    void exactlyOneReplicaLeadsAndAnotherTakesOverWhenTheLeaderLeaves() {
        try (LeaseLeadership a = LeaseLeadership.start(client, config("a"));
             LeaseLeadership b = LeaseLeadership.start(client, config("b"))) {
            Await.until(Duration.ofSeconds(20), () -> a.isLeader() || b.isLeader(), "a leader");
            LeaseLeadership leader = a.isLeader() ? a : b;
            LeaseLeadership other = leader == a ? b : a;
            // Several renewal periods later, still exactly one.
            for (int i = 0; i < 5; i++) {
                Await.until(Duration.ofSeconds(5), () -> client.leases().inNamespace("default").withName("lease-test").get() != null, "lease");
                assertTrue(!(leader.isLeader() && other.isLeader()), "never two leaders");
                assertTrue(leader.isLeader(), "the leader keeps the lease while it renews");
            }
            assertEquals(leader.config().identity(),
                    client.leases().inNamespace("default").withName("lease-test").get().getSpec().getHolderIdentity());
            leader.close();
            Await.until(Duration.ofSeconds(45), other::isLeader, "the other replica to take over");
            assertNotEquals(leader.config().identity(), other.config().identity());
        }
        assertEquals(1, List.of(client.leases().inNamespace("default").list().getItems()).size());
    }
}
