package dev.ndjsonparquet.controller.dispatch;

import dev.ndjsonparquet.capacity.CapacityType;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The capacity type of the nodes a run's executors are bound to, read from the nodes' labels ({@link CapacityType}):
 * one {@code get} per node, kept (a node's capacity type never changes while it exists). Reading nodes is
 * cluster-scoped; the chart grants it (ClusterRole, nodes get only) when {@code scheduling.overflow} is not
 * {@code never}. Without that grant, or for a node already gone, the type is {@link CapacityType#UNKNOWN}, said once
 * in the log; any other failure is a failure of the Kubernetes API and is thrown.
 */
final class NodeCapacityTypes {

    private static final Logger LOG = LoggerFactory.getLogger(NodeCapacityTypes.class);
    /** Nodes come and go (Karpenter): the most remembered. */
    private static final int REMEMBERED = 10_000;

    private final KubernetesClient client;
    private final Map<String, CapacityType> known = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CapacityType> eldest) {
            return size() > REMEMBERED;
        }
    };
    private boolean forbiddenSaid;

    NodeCapacityTypes(KubernetesClient client) {
        this.client = client;
    }

    synchronized CapacityType of(String nodeName) {
        if (nodeName == null || nodeName.isBlank()) {
            return CapacityType.UNKNOWN;
        }
        CapacityType t = known.get(nodeName);
        if (t != null) {
            return t;
        }
        try {
            Node node = client.nodes().withName(nodeName).get();
            t = node == null ? CapacityType.UNKNOWN : CapacityType.of(node.getMetadata().getLabels());
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_FORBIDDEN) {
                throw e;
            }
            if (!forbiddenSaid) {
                forbiddenSaid = true;
                LOG.info("nodes may not be read (no ClusterRole for them: scheduling.overflow is never): executor-seconds "
                        + "count as capacity type unknown");
            }
            t = CapacityType.UNKNOWN;
        }
        known.put(nodeName, t);
        return t;
    }
}
