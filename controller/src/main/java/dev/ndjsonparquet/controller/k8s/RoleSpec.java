package dev.ndjsonparquet.controller.k8s;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * {@code spec.driver} or {@code spec.executor}: the executor count and pod labels are decided by the
 * controller; resources, service account, node selectors, tolerations and the rest come from the template.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RoleSpec extends WithExtraFields {

    /** Executors only: how many. */
    private Integer instances;
    private Map<String, String> labels;

    public Integer getInstances() {
        return instances;
    }

    public void setInstances(Integer instances) {
        this.instances = instances;
    }

    public Map<String, String> getLabels() {
        return labels;
    }

    public void setLabels(Map<String, String> labels) {
        this.labels = labels;
    }
}
