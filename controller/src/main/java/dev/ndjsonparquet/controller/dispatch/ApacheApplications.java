package dev.ndjsonparquet.controller.dispatch;

import dev.ndjsonparquet.controller.k8s.SparkApplication;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Apache Spark operator's application ({@code spark.apache.org/v1}, apache/spark-kubernetes-operator 1.0.0)
 * made from the application the dispatcher builds for kubeflow spark-operator ({@link SparkApplicationBuilder}):
 * one template (the chart's) decides image, resources, placement, security contexts, decommissioning, event logs
 * and metrics for both operators, so they cannot drift apart. Pure.
 *
 * <p>What moves where: {@code mainApplicationFile} to {@code jars}, {@code arguments} to {@code driverArgs},
 * {@code sparkVersion} to {@code runtimeVersions.sparkVersion}; image, pull policy, cores, memory, overheads,
 * Java options, service accounts, executor count and {@code hadoopConf} (as {@code spark.hadoop.*}) to
 * {@code sparkConf}, where Apache's operator takes them; each role's pod {@code template} plus its node selector,
 * tolerations, affinity, priority class, labels, annotations and security contexts to
 * {@code driverSpec}/{@code executorSpec.podTemplateSpec}. The operator never retries ({@code restartPolicy:
 * Never}: the dispatcher owns retries), keeps the application {@code timeToLiveSeconds} after it stops and
 * releases its pods at once.
 */
public final class ApacheApplications {

    public static final String GROUP = "spark.apache.org";
    public static final String VERSION = "v1";
    public static final String API_VERSION = GROUP + "/" + VERSION;
    public static final String KIND = "SparkApplication";
    public static final String CRD_NAME = "sparkapplications." + GROUP;
    /** The resource, without a discovery call (which would need more RBAC). */
    public static final ResourceDefinitionContext CONTEXT = new ResourceDefinitionContext.Builder()
            .withGroup(GROUP).withVersion(VERSION).withKind(KIND).withPlural("sparkapplications").withNamespaced(true).build();

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    /**
     * How long the operator waits for the driver to start and be ready, and for the executors, before it fails the
     * attempt as an infrastructure failure ({@code DriverStartTimedOut}, {@code DriverReadyTimedOut},
     * {@code ExecutorsStartTimedOut}). The dispatcher's stuck timeout: Apache's default of five minutes would fail
     * a run that waits for spot capacity.
     */
    private final Duration startTimeout;

    public ApacheApplications(Duration startTimeout) {
        this.startTimeout = startTimeout;
    }

    /** The Apache application of what {@link SparkApplicationBuilder#build} made. */
    @SuppressWarnings("unchecked")
    public GenericKubernetesResource from(SparkApplication kubeflow) {
        Map<String, Object> k = SERIALIZATION.unmarshal(SERIALIZATION.asJson(kubeflow), Map.class);
        Map<String, Object> ks = map(k.get("spec"));
        Map<String, Object> driver = map(ks.get("driver"));
        Map<String, Object> executor = map(ks.get("executor"));

        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("mainClass", ks.get("mainClass"));
        spec.put("jars", ks.get("mainApplicationFile"));
        spec.put("driverArgs", ks.get("arguments") == null ? List.of() : ks.get("arguments"));
        spec.put("deploymentMode", "ClusterMode");
        spec.put("runtimeVersions", Map.of("sparkVersion", String.valueOf(ks.get("sparkVersion"))));

        Map<String, String> conf = new LinkedHashMap<>();
        map(ks.get("sparkConf")).forEach((key, v) -> conf.put(key, String.valueOf(v)));
        map(ks.get("hadoopConf")).forEach((key, v) -> conf.put("spark.hadoop." + key, String.valueOf(v)));
        putIf(conf, "spark.kubernetes.container.image", ks.get("image"));
        putIf(conf, "spark.kubernetes.container.image.pullPolicy", ks.get("imagePullPolicy"));
        roleConf(conf, "driver", driver);
        roleConf(conf, "executor", executor);
        // The dispatcher decides the executor count; it wins over the template.
        if (executor.get("instances") != null) {
            conf.put("spark.executor.instances", String.valueOf(executor.get("instances")));
        }
        putIf(conf, "spark.kubernetes.executor.deleteOnTermination", executor.get("deleteOnTermination"));
        spec.put("sparkConf", conf);

        Map<String, Object> tolerations = new LinkedHashMap<>();
        tolerations.put("restartConfig", Map.of("restartPolicy", "Never", "maxRestartAttempts", 0));
        long start = startTimeout.toMillis();
        tolerations.put("applicationTimeoutConfig", Map.of("driverStartTimeoutMillis", start,
                "driverReadyTimeoutMillis", start, "executorStartTimeoutMillis", start));
        // Releasing the pods at once is what kubeflow does to executors; the driver's log is in the event log and
        // the result record. The application itself stays for inspection as long as kubeflow's TTL says.
        tolerations.put("resourceRetainPolicy", "Never");
        Object ttl = ks.get("timeToLiveSeconds");
        if (ttl instanceof Number n) {
            tolerations.put("ttlAfterStopMillis", n.longValue() * 1000);
        }
        spec.put("applicationTolerations", tolerations);
        spec.put("driverSpec", Map.of("podTemplateSpec", podTemplate(driver, "spark-kubernetes-driver")));
        spec.put("executorSpec", Map.of("podTemplateSpec", podTemplate(executor, "spark-kubernetes-executor")));

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("apiVersion", API_VERSION);
        out.put("kind", KIND);
        out.put("metadata", k.get("metadata"));
        out.put("spec", spec);
        return SERIALIZATION.unmarshal(SERIALIZATION.asJson(out), GenericKubernetesResource.class);
    }

    private static void roleConf(Map<String, String> conf, String role, Map<String, Object> r) {
        putIf(conf, "spark." + role + ".cores", r.get("cores"));
        putIf(conf, "spark.kubernetes." + role + ".request.cores", r.get("coreRequest"));
        putIf(conf, "spark.kubernetes." + role + ".limit.cores", r.get("coreLimit"));
        putIf(conf, "spark." + role + ".memory", r.get("memory"));
        putIf(conf, "spark." + role + ".memoryOverhead", r.get("memoryOverhead"));
        putIf(conf, "spark." + role + ".extraJavaOptions", r.get("javaOptions"));
        putIf(conf, "spark.kubernetes.authenticate." + role + ".serviceAccountName", r.get("serviceAccount"));
    }

    /**
     * The role's pod template, with the role's own placement and security fields filled in where the template
     * leaves them out (kubeflow applies both; Apache's operator only the template).
     */
    private static Map<String, Object> podTemplate(Map<String, Object> role, String containerName) {
        Map<String, Object> template = map(role.get("template"));
        Map<String, Object> meta = new LinkedHashMap<>(map(template.get("metadata")));
        meta.put("labels", merged(map(meta.get("labels")), map(role.get("labels"))));
        meta.put("annotations", merged(map(meta.get("annotations")), map(role.get("annotations"))));
        Map<String, Object> pod = new LinkedHashMap<>(map(template.get("spec")));
        fill(pod, "nodeSelector", role.get("nodeSelector"));
        fill(pod, "tolerations", role.get("tolerations"));
        fill(pod, "affinity", role.get("affinity"));
        fill(pod, "priorityClassName", role.get("priorityClassName"));
        fill(pod, "securityContext", role.get("podSecurityContext"));
        fill(pod, "terminationGracePeriodSeconds", role.get("terminationGracePeriodSeconds"));
        List<Object> containers = new ArrayList<>();
        Object listed = pod.get("containers");
        if (listed instanceof List<?> l) {
            containers.addAll(l);
        }
        if (containers.isEmpty()) {
            containers.add(new LinkedHashMap<>(Map.of("name", containerName)));
        }
        Map<String, Object> first = new LinkedHashMap<>(map(containers.get(0)));
        fill(first, "securityContext", role.get("securityContext"));
        containers.set(0, first);
        pod.put("containers", containers);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("metadata", meta);
        out.put("spec", pod);
        return out;
    }

    private static Map<String, Object> merged(Map<String, Object> a, Map<String, Object> b) {
        Map<String, Object> out = new LinkedHashMap<>(a);
        out.putAll(b);
        return out;
    }

    private static void fill(Map<String, Object> into, String key, Object value) {
        if (value != null && !into.containsKey(key)) {
            into.put(key, value);
        }
    }

    private static void putIf(Map<String, String> conf, String key, Object value) {
        if (value != null && !conf.containsKey(key)) {
            conf.put(key, String.valueOf(value));
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
