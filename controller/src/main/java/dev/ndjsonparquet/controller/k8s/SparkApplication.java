package dev.ndjsonparquet.controller.k8s;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * kubeflow spark-operator's {@code SparkApplication} ({@code sparkoperator.k8s.io/v1beta2}), typed for
 * the fields this project reads or decides; every other field of an operator's template passes through
 * untouched (see {@link SparkApplicationSpec#additionalProperties()}). Written from the vendored CRD in
 * {@code shared/crds/sparkoperator.k8s.io_sparkapplications.yaml}; tests validate against it.
 */
@Group(SparkApplication.GROUP)
@Version(SparkApplication.VERSION)
@Kind("SparkApplication")
@Plural("sparkapplications")
public class SparkApplication extends CustomResource<SparkApplicationSpec, SparkApplicationStatus> implements Namespaced {

    private static final long serialVersionUID = 1L;
    public static final String GROUP = "sparkoperator.k8s.io";
    public static final String VERSION = "v1beta2";
    public static final String API_VERSION = GROUP + "/" + VERSION;
    public static final String CRD_NAME = "sparkapplications." + GROUP;

    /** The state spark-operator last reported; {@link ApplicationState#NEW} before it reported any. */
    public ApplicationState state() {
        SparkApplicationStatus s = getStatus();
        return s == null || s.getApplicationState() == null
                ? ApplicationState.NEW
                : ApplicationState.parse(s.getApplicationState().getState());
    }

    /** {@code spec.suspend} is set: spark-operator deletes the application's pods and starts none. */
    public boolean suspendRequested() {
        return getSpec() != null && Boolean.TRUE.equals(getSpec().additionalProperty("suspend"));
    }

    /** spark-operator's error message for the current state, or null. */
    public String errorMessage() {
        SparkApplicationStatus s = getStatus();
        return s == null || s.getApplicationState() == null ? null : s.getApplicationState().getErrorMessage();
    }
}
