package dev.ndjsonparquet.controller.dispatch;

import dev.ndjsonparquet.controller.k8s.EventRecorder;
import dev.ndjsonparquet.controller.k8s.SparkApplication;
import dev.ndjsonparquet.controller.k8s.SparkApplications;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Which operator runs the Spark applications (setting {@code spark-operator}), and the one place that assembles
 * it: the dispatcher, {@code render} and the local runner all come through here.
 */
public enum OperatorKind {
    /** kubeflow spark-operator, {@code sparkoperator.k8s.io/v1beta2}. */
    KUBEFLOW,
    /** The Apache Spark operator (apache/spark-kubernetes-operator), {@code spark.apache.org/v1}. */
    APACHE;

    /** The CRD the start-up check looks for. */
    public String crdName() {
        return this == KUBEFLOW ? SparkApplication.CRD_NAME : ApacheApplications.CRD_NAME;
    }

    /** The operator of these settings, acting through the client of {@code applications}. */
    public SparkOperator create(DispatcherSettings.Application app, ApplicationTemplate template, String namespace,
                                SparkApplications applications, EventRecorder events) {
        SparkApplicationBuilder builder = new SparkApplicationBuilder(template, app.sizing(), app.extraArguments(), namespace);
        return switch (this) {
            case KUBEFLOW -> new KubeflowOperator(applications, events, builder);
            case APACHE -> new ApacheOperator(applications.client(), namespace, events, builder, app.startTimeout());
        };
    }

    /** The YAML of the application this operator would create (render). */
    public String render(DispatcherSettings.Application app, ApplicationTemplate template, String namespace,
                         SparkApplicationBuilder.Request request) {
        SparkApplication kubeflow = new SparkApplicationBuilder(template, app.sizing(), app.extraArguments(), namespace).build(request);
        KubernetesSerialization yaml = new KubernetesSerialization();
        return switch (this) {
            case KUBEFLOW -> yaml.asYaml(kubeflow);
            case APACHE -> yaml.asYaml(new ApacheApplications(app.startTimeout()).from(kubeflow));
        };
    }
}
