package dev.ndjsonparquet.controller.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
                Duration.ofSeconds(20), Duration.ofSeconds(15), Duration.ofSeconds(1));
        // Generous lease and renewal times: a loaded 2-core CI machine (GC pauses, six builds at once) must
        // not lose a healthy leader; a renewal every second still shows several renewals within seconds.
    }

    private static String renewTime() {
        var lease = client.leases().inNamespace("default").withName("lease-test").get();
        return lease == null || lease.getSpec().getRenewTime() == null ? "" : lease.getSpec().getRenewTime().toString();
    }

    @Test
    void exactlyOneReplicaLeadsAndAnotherTakesOverWhenTheLeaderLeaves() {
        try (LeaseLeadership a = LeaseLeadership.start(client, config("a"));
             LeaseLeadership b = LeaseLeadership.start(client, config("b"))) {
            Await.until(Duration.ofSeconds(20), () -> a.isLeader() || b.isLeader(), "a leader");
            LeaseLeadership leader = a.isLeader() ? a : b;
            LeaseLeadership other = leader == a ? b : a;
            // Several renewals later (each one observed on the Lease), the same single leader.
            for (int i = 0; i < 3; i++) {
                String before = renewTime();
                Await.until(Duration.ofSeconds(30), () -> !renewTime().equals(before), "renewal " + (i + 1) + " of the lease");
                assertTrue(leader.isLeader(), "the leader keeps the lease while it renews");
                assertFalse(other.isLeader(), "never two leaders");
                assertEquals(leader.config().identity(),
                        client.leases().inNamespace("default").withName("lease-test").get().getSpec().getHolderIdentity());
            }
            assertEquals(leader.config().identity(),
                    client.leases().inNamespace("default").withName("lease-test").get().getSpec().getHolderIdentity());
            leader.close();
            Await.until(Duration.ofSeconds(60), other::isLeader, "the other replica to take over");
            assertNotEquals(leader.config().identity(), other.config().identity());
        }
        // One Lease for both replicas, not one each.
        assertEquals(List.of("lease-test"), client.leases().inNamespace("default").list().getItems().stream()
                .map(l -> l.getMetadata().getName()).toList());
    }
}
