package dev.ndjsonparquet.controller.k8s;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells operators through core/v1 Events on the SparkApplication ({@code kubectl describe sparkapp},
 * {@code kubectl get events}). Events are best effort: a failure to record one is logged, never thrown.
 */
public final class EventRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
    private static final int MAX_MESSAGE = 1024;

    private final KubernetesClient client;
    private final String namespace;
    private final String component;
    private final String host;

    public EventRecorder(KubernetesClient client, String namespace, String component, String host) {
        this.client = client;
        this.namespace = namespace;
        this.component = component;
        this.host = host;
    }

    public void warning(String applicationName, String applicationUid, String reason, String message) {
        warning(SparkApplication.API_VERSION, applicationName, applicationUid, reason, message);
    }

    /** A warning on an application of another operator's kind ({@code apiVersion}, kind SparkApplication). */
    public void warning(String apiVersion, String applicationName, String applicationUid, String reason, String message) {
        record(apiVersion, "Warning", applicationName, applicationUid, reason, message);
    }

    private void record(String apiVersion, String type, String applicationName, String applicationUid, String reason, String message) {
        String now = Instant.now().toString();
        String text = message == null ? "" : message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "..." : message;
        try {
            client.v1().events().inNamespace(namespace).resource(new EventBuilder()
                    .withNewMetadata()
                    .withName(applicationName + "." + UUID.randomUUID().toString().replace("-", "").substring(0, 16))
                    .withNamespace(namespace)
                    .endMetadata()
                    .withInvolvedObject(new ObjectReferenceBuilder()
                            .withApiVersion(apiVersion)
                            .withKind("SparkApplication")
                            .withNamespace(namespace)
                            .withName(applicationName)
                            .withUid(applicationUid)
                            .build())
                    .withType(type)
                    .withReason(reason)
                    .withMessage(text)
                    .withFirstTimestamp(now)
                    .withLastTimestamp(now)
                    .withCount(1)
                    .withNewSource().withComponent(component).withHost(host).endSource()
                    .withReportingComponent(component)
                    .withReportingInstance(host)
                    .build()).create();
        } catch (KubernetesClientException e) {
            LOG.warn("could not record event {} on {}: {}", reason, applicationName, e.getMessage());
        }
    }
}
