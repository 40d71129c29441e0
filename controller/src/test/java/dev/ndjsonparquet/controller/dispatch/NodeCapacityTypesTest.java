package dev.ndjsonparquet.controller.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ndjsonparquet.capacity.CapacityType;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;

/**
 * The nodes' capacity types as the dispatcher reads them: one get per node, remembered; without the ClusterRole
 * (scheduling.overflow never: 403) or for a node already gone (404) the type is unknown and the run goes on; any other
 * failure is the API's and is thrown (the dispatcher waits on Kubernetes).
 */
@EnableKubernetesMockClient
class NodeCapacityTypesTest {

    static KubernetesClient client;
    static KubernetesMockServer server;

    @Test
    void aLabelledNodeIsReadOnceAndRemembered() {
        server.expect().get().withPath("/api/v1/nodes/od-1").andReturn(200, new NodeBuilder().withNewMetadata().withName("od-1")
                .addToLabels("karpenter.sh/capacity-type", "on-demand").endMetadata().build()).once();
        NodeCapacityTypes types = new NodeCapacityTypes(client);
        assertEquals(CapacityType.ON_DEMAND, types.of("od-1"));
        assertEquals(CapacityType.ON_DEMAND, types.of("od-1"), "remembered: the server answers once only");
        assertEquals(CapacityType.UNKNOWN, types.of(null));
    }

    @Test
    void withoutTheClusterRoleOrForAGoneNodeTheTypeIsUnknown() {
        server.expect().get().withPath("/api/v1/nodes/n-forbidden").andReturn(403, new StatusBuilder().withCode(403)
                .withReason("Forbidden").withMessage("nodes \"n-forbidden\" is forbidden").build()).once();
        server.expect().get().withPath("/api/v1/nodes/n-gone").andReturn(404, new StatusBuilder().withCode(404)
                .withReason("NotFound").build()).once();
        NodeCapacityTypes types = new NodeCapacityTypes(client);
        assertEquals(CapacityType.UNKNOWN, types.of("n-forbidden"));
        assertEquals(CapacityType.UNKNOWN, types.of("n-forbidden"), "remembered: not asked again for every pod");
        assertEquals(CapacityType.UNKNOWN, types.of("n-gone"));
    }

    @Test
    void anApiFailureIsThrown() {
        server.expect().get().withPath("/api/v1/nodes/n-500").andReturn(500, new StatusBuilder().withCode(500).build()).always();
        // The client's own retries left out: they would only make the test wait.
        try (KubernetesClient once = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(
                new io.fabric8.kubernetes.client.ConfigBuilder(client.getConfiguration()).withRequestRetryBackoffLimit(0).build()).build()) {
            assertThrows(KubernetesClientException.class, () -> new NodeCapacityTypes(once).of("n-500"));
        }
    }
}
