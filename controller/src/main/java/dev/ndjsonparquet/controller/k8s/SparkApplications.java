package dev.ndjsonparquet.controller.k8s;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import java.net.HttpURLConnection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The SparkApplications this controller owns in its job namespace: get, list by label, create (adopting
 * one that already exists under the same deterministic name), delete, and one patch: annotations plus
 * {@code spec.suspend} on an application being dead-lettered. The controller never edits anything else
 * of a spec or a status. Calls are listed in {@code rbac-calls.yaml}. Not final so that tests can inject
 * faults around each call.
 */
public class SparkApplications {

    /** The outcome of {@link #createOrAdopt}: the application as it now is, and whether it was new. */
    public record Created(SparkApplication application, boolean adopted) {
    }

    private final MixedOperation<SparkApplication, KubernetesResourceList<SparkApplication>, Resource<SparkApplication>> api;
    private final KubernetesClient client;
    private final String namespace;

    public SparkApplications(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
        @SuppressWarnings({"unchecked", "rawtypes"})
        MixedOperation<SparkApplication, KubernetesResourceList<SparkApplication>, Resource<SparkApplication>> ops =
                (MixedOperation) client.resources(SparkApplication.class);
        this.api = ops;
    }

    public String namespace() {
        return namespace;
    }

    /** The client, for another operator's resources in the same namespace ({@code ApacheOperator}). */
    public KubernetesClient client() {
        return client;
    }

    /** True when the API server serves the CRD named {@code crdName}. */
    public boolean crdInstalled(String crdName) {
        return client.apiextensions().v1().customResourceDefinitions().withName(crdName).get() != null;
    }

    /** True when the API server serves the SparkApplication CRD (spark-operator is installed). */
    public boolean crdInstalled() {
        return client.apiextensions().v1().customResourceDefinitions().withName(SparkApplication.CRD_NAME).get() != null;
    }

    public Optional<SparkApplication> get(String name) {
        return Optional.ofNullable(api.inNamespace(namespace).withName(name).get());
    }

    /** Applications carrying every one of these labels (equality selectors only). */
    public List<SparkApplication> list(Map<String, String> labels) {
        return api.inNamespace(namespace).withLabels(labels).list().getItems();
    }

    /** The pods (drivers, executors) in the job namespace that carry these labels. */
    public List<io.fabric8.kubernetes.api.model.Pod> pods(Map<String, String> labels) {
        return client.pods().inNamespace(namespace).withLabels(labels).list().getItems();
    }

    /**
     * Creates the application, or adopts the one that already has its name (a re-delivered message, a
     * restarted controller): AlreadyExists is success. An existing object that belongs to another
     * manifest is not adopted.
     */
    public Created createOrAdopt(SparkApplication app, String manifestIdLabel) {
        String name = app.getMetadata().getName();
        try {
            return new Created(api.inNamespace(namespace).resource(app).create(), false);
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                throw e;
            }
        }
        SparkApplication existing = get(name).orElseThrow(() -> new KubernetesClientException(
                "SparkApplication " + namespace + "/" + name + " reported as existing but is gone (being deleted?)"));
        String want = app.getMetadata().getLabels().get(manifestIdLabel);
        Map<String, String> have = existing.getMetadata().getLabels();
        if (have == null || !want.equals(have.get(manifestIdLabel))) {
            throw new KubernetesClientException("SparkApplication " + namespace + "/" + name
                    + " exists but does not belong to manifest " + want + "; not adopting it");
        }
        return new Created(existing, true);
    }

    /**
     * Sets annotations on the application and, when {@code suspend}, {@code spec.suspend: true} (a JSON
     * merge patch, so repeating it changes nothing). spark-operator deletes the pods of an application
     * suspended after creation, so a driver that did start stops. The only edit the controller makes.
     */
    public SparkApplication annotate(String name, Map<String, String> annotations, boolean suspend) {
        Map<String, Object> patch = new java.util.LinkedHashMap<>();
        patch.put("metadata", Map.of("annotations", annotations));
        if (suspend) {
            patch.put("spec", Map.of("suspend", true));
        }
        String json = client.getKubernetesSerialization().asJson(patch);
        return api.inNamespace(namespace).withName(name)
                .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE), json);
    }

    /** Deletes the application; true if it was there. */
    public boolean delete(String name) {
        return !api.inNamespace(namespace).withName(name).delete().isEmpty();
    }
}
