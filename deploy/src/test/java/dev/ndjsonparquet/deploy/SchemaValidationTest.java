package dev.ndjsonparquet.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.testsupport.CrdSchemaValidator;
import dev.ndjsonparquet.testsupport.KubernetesSchemaValidator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every object the chart renders validates strictly: kinds with an upstream CRD in ../shared/crds against it,
 * built-in kinds against the Kubernetes 1.34 OpenAPI documents. An unknown field (a typo) is an error.
 */
class SchemaValidationTest {

    /** apiVersion/kind to the upstream CRD file that defines it. */
    private static final Map<String, String> CRDS = Map.of(
            "keda.sh/v1alpha1/ScaledObject", "keda.sh_scaledobjects.yaml",
            "keda.sh/v1alpha1/TriggerAuthentication", "keda.sh_triggerauthentications.yaml",
            "karpenter.sh/v1/NodePool", "karpenter.sh_nodepools.yaml",
            "karpenter.k8s.aws/v1/EC2NodeClass", "karpenter.k8s.aws_ec2nodeclasses.yaml",
            "sparkoperator.k8s.io/v1beta2/SparkApplication", "sparkoperator.k8s.io_sparkapplications.yaml",
            "monitoring.coreos.com/v1/ServiceMonitor", "monitoring.coreos.com_servicemonitors.yaml",
            "monitoring.coreos.com/v1/PodMonitor", "monitoring.coreos.com_podmonitors.yaml",
            "monitoring.coreos.com/v1/PrometheusRule", "monitoring.coreos.com_prometheusrules.yaml");

    /** Kinds with neither a CRD in ../shared/crds nor a built-in schema; each is named here on purpose. */
    private static final Set<String> UNVALIDATED = Set.of();

    private static final KubernetesSchemaValidator BUILT_IN = KubernetesSchemaValidator.forSharedSchemas();

    static List<String> errorsOf(JsonNode object) {
        String gvk = object.path("apiVersion").asString() + "/" + object.path("kind").asString();
        if (CRDS.containsKey(gvk)) {
            // A CRD schema leaves metadata open (the API server checks it as ObjectMeta): check it that way too.
            ObjectNode metadataOnly = Yaml.MAPPER.createObjectNode();
            metadataOnly.put("apiVersion", "v1").put("kind", "ConfigMap").set("metadata", object.path("metadata"));
            List<String> errors = new ArrayList<>(BUILT_IN.validate(metadataOnly));
            errors.addAll(CrdSchemaValidator.forSharedCrd(CRDS.get(gvk)).validate(object));
            return errors;
        }
        if (UNVALIDATED.contains(gvk)) {
            return List.of();
        }
        return BUILT_IN.validate(object);
    }

    private static Path[] valuesFor(String variant) {
        return variant.equals("defaults") ? new Path[0] : new Path[] {Chart.values(variant)};
    }

    @ParameterizedTest
    @ValueSource(strings = {"defaults", "all-on.yaml", "overflow-karpenter.yaml", "overflow-eks.yaml"})
    void everyRenderedObjectIsValidAgainstItsSchema(String variant) {
        List<JsonNode> objects = Chart.render(valuesFor(variant));
        List<String> problems = new ArrayList<>();
        for (JsonNode o : objects) {
            for (String e : errorsOf(o)) {
                problems.add(o.path("kind").asString() + " " + o.path("metadata").path("name").asString() + ": " + e);
            }
        }
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest
    @ValueSource(strings = {"defaults", "all-on.yaml", "overflow-karpenter.yaml", "overflow-eks.yaml"})
    void theSparkApplicationTemplateIsValidOnceTheDispatcherNamesIt(String variant) {
        ObjectNode app = (ObjectNode) Chart.sparkApplicationTemplate(Chart.render(valuesFor(variant)));
        assertTrue(app.path("metadata").path("name").isMissingNode(), "the dispatcher sets the name, not the template");
        ((ObjectNode) app.path("metadata")).put("name", "np-0123456789abcdef");
        ((ObjectNode) app.path("spec")).putArray("arguments").add("--manifest").add("s3://bucket/manifests/0123456789abcdef.json");
        ((ObjectNode) app.path("spec").path("executor")).put("instances", 10);
        CrdSchemaValidator.forSharedCrd(CRDS.get("sparkoperator.k8s.io/v1beta2/SparkApplication")).assertValid(app);
    }

    @ParameterizedTest
    @ValueSource(strings = {"defaults", "all-on.yaml", "overflow-karpenter.yaml", "overflow-eks.yaml"})
    void theDriverAndExecutorPodTemplatesAreValidPodTemplates(String variant) {
        // The CRD leaves driver.template / executor.template open: spark-submit reads them as a pod template, so
        // they are checked as one here (a typo would otherwise reach spark-submit unnoticed).
        JsonNode app = Chart.sparkApplicationTemplate(Chart.render(valuesFor(variant)));
        for (String role : List.of("driver", "executor")) {
            JsonNode template = app.path("spec").path(role).path("template");
            assertTrue(template.path("spec").isObject(), role + " has no pod template");
            ObjectNode pod = Yaml.MAPPER.createObjectNode();
            pod.put("apiVersion", "v1").put("kind", "PodTemplate");
            ((ObjectNode) pod.putObject("metadata")).put("name", role);
            pod.set("template", template);
            assertEquals(List.of(), BUILT_IN.validate(pod), role);
            ObjectNode typo = pod.deepCopy();
            ((ObjectNode) typo.path("template").path("spec")).put("tolerationz", 1);
            assertTrue(!BUILT_IN.validate(typo).isEmpty(), "a typo in the " + role + " pod template would be caught");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"defaults", "all-on.yaml", "overflow-karpenter.yaml", "overflow-eks.yaml"})
    void noKindIsLeftUnchecked(String variant) {
        Set<String> unknown = new TreeSet<>();
        for (JsonNode o : Chart.render(valuesFor(variant))) {
            String apiVersion = o.path("apiVersion").asString();
            String kind = o.path("kind").asString();
            String gvk = apiVersion + "/" + kind;
            if (!CRDS.containsKey(gvk) && !UNVALIDATED.contains(gvk) && !BUILT_IN.knows(apiVersion, kind)) {
                unknown.add(gvk);
            }
        }
        assertEquals(Set.of(), unknown);
    }

    @ParameterizedTest
    @ValueSource(strings = {"defaults", "all-on.yaml", "overflow-karpenter.yaml", "overflow-eks.yaml"})
    void aTypoInARenderedObjectWouldBeCaught(String variant) {
        // The validators are strict: the same objects with one misspelt field fail.
        for (JsonNode o : Chart.render(valuesFor(variant))) {
            String gvk = o.path("apiVersion").asString() + "/" + o.path("kind").asString();
            if (UNVALIDATED.contains(gvk)) {
                continue;
            }
            ObjectNode typo = (ObjectNode) o.deepCopy();
            ((ObjectNode) typo.path("metadata")).put("lables", "x");
            assertTrue(!errorsOf(typo).isEmpty(), () -> gvk + " accepted a misspelt metadata field");
            if (typo.path("spec").isObject()) {
                ObjectNode specTypo = (ObjectNode) o.deepCopy();
                ((ObjectNode) specTypo.path("spec")).put("replicaz", 1);
                assertTrue(!errorsOf(specTypo).isEmpty(), () -> gvk + " accepted a misspelt spec field");
            }
        }
    }
}
