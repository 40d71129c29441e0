package dev.ndjsonparquet.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * Every pod the chart makes (Deployments, and Spark drivers and executors through the SparkApplication template)
 * meets the "restricted" Pod Security Standard and has resource requests and a memory limit.
 */
class PodSecurityTest {

    private static Path[] valuesFor(String variant) {
        return variant.equals("defaults") ? new Path[0] : new Path[] {Chart.values(variant)};
    }

    /** Violations of the restricted profile for one pod: its pod-level and container-level security contexts. */
    static List<String> restrictedViolations(String pod, JsonNode podContext, List<JsonNode> containerContexts) {
        List<String> out = new ArrayList<>();
        for (JsonNode c : containerContexts) {
            boolean nonRoot = c.path("runAsNonRoot").asBoolean(podContext.path("runAsNonRoot").asBoolean(false));
            long uid = c.path("runAsUser").asLong(podContext.path("runAsUser").asLong(-1));
            String seccomp = c.path("seccompProfile").path("type").asString(podContext.path("seccompProfile").path("type").asString(""));
            if (!nonRoot) {
                out.add(pod + ": runAsNonRoot is not true");
            }
            if (uid <= 0) {
                out.add(pod + ": no fixed non-root runAsUser");
            }
            if (!seccomp.equals("RuntimeDefault")) {
                out.add(pod + ": seccompProfile is not RuntimeDefault");
            }
            if (!c.path("allowPrivilegeEscalation").isBoolean() || c.path("allowPrivilegeEscalation").asBoolean()) {
                out.add(pod + ": allowPrivilegeEscalation is not false");
            }
            if (!c.path("readOnlyRootFilesystem").asBoolean(false)) {
                out.add(pod + ": root filesystem is writable");
            }
            List<String> drop = new ArrayList<>();
            c.path("capabilities").path("drop").forEach(d -> drop.add(d.asString()));
            if (!drop.contains("ALL")) {
                out.add(pod + ": capabilities are not all dropped");
            }
            if (!c.path("capabilities").path("add").isEmpty()) {
                out.add(pod + ": adds capabilities");
            }
            if (c.path("privileged").asBoolean(false)) {
                out.add(pod + ": privileged");
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"defaults", "all-on.yaml"})
    void everyDeploymentRunsRestricted(String variant) {
        List<String> violations = new ArrayList<>();
        List<JsonNode> deployments = Chart.ofKind(Chart.render(valuesFor(variant)), "Deployment");
        assertEquals(variant.equals("defaults") ? 3 : 4, deployments.size(), "dispatcher, builder, placeholder (and History Server)");
        for (JsonNode d : deployments) {
            String name = d.path("metadata").path("name").asString();
            JsonNode spec = d.path("spec").path("template").path("spec");
            for (String hostFlag : List.of("hostNetwork", "hostPID", "hostIPC")) {
                assertFalse(spec.path(hostFlag).asBoolean(false), name + " " + hostFlag);
            }
            List<JsonNode> contexts = new ArrayList<>();
            List<JsonNode> containers = new ArrayList<>();
            spec.path("containers").forEach(containers::add);
            spec.path("initContainers").forEach(containers::add);
            for (JsonNode c : containers) {
                contexts.add(c.path("securityContext"));
                JsonNode resources = c.path("resources");
                assertTrue(resources.path("requests").has("cpu") && resources.path("requests").has("memory"), name + " has no requests");
                assertTrue(resources.path("limits").has("memory"), name + " has no memory limit");
                for (JsonNode v : spec.path("volumes")) {
                    assertFalse(v.has("hostPath"), name + " mounts a host path");
                }
            }
            violations.addAll(restrictedViolations(name, spec.path("securityContext"), contexts));
        }
        assertEquals(List.of(), violations);
    }

    @ParameterizedTest
    @ValueSource(strings = {"defaults", "all-on.yaml"})
    void sparkDriversAndExecutorsRunRestricted(String variant) {
        JsonNode app = Chart.sparkApplicationTemplate(Chart.render(valuesFor(variant)));
        List<String> violations = new ArrayList<>();
        for (String role : List.of("driver", "executor")) {
            JsonNode r = app.path("spec").path(role);
            violations.addAll(restrictedViolations(role, r.path("podSecurityContext"), List.of(r.path("securityContext"))));
            // The pod template, which spark-submit applies itself: restricted even when spark-operator's webhook
            // (which applies the fields above) is down.
            JsonNode podSpec = r.path("template").path("spec");
            List<JsonNode> containerContexts = new ArrayList<>();
            podSpec.path("containers").forEach(c -> containerContexts.add(c.path("securityContext")));
            assertEquals(1, containerContexts.size(), role + " pod template has one container (Spark's)");
            violations.addAll(restrictedViolations(role + " pod template", podSpec.path("securityContext"), containerContexts));
            assertEquals(r.path("priorityClassName"), podSpec.path("priorityClassName"), role);
            assertEquals(r.path("tolerations"), podSpec.path("tolerations"), role);
            assertEquals(185, r.path("securityContext").path("runAsUser").asInt(), "the Spark image's user");
            // A writable /tmp with a read-only root filesystem, mounted by spark-submit itself (no webhook needed).
            JsonNode conf = app.path("spec").path("sparkConf");
            assertEquals("/tmp", conf.path("spark.kubernetes." + role + ".volumes.emptyDir.tmp.mount.path").asString(), role);
            assertEquals("false", conf.path("spark.kubernetes." + role + ".volumes.emptyDir.tmp.mount.readOnly").asString(), role);
            assertFalse(conf.path("spark.kubernetes." + role + ".volumes.emptyDir.tmp.options.sizeLimit").asString("").isEmpty(), role);
            assertTrue(r.path("volumeMounts").isMissingNode() && app.path("spec").path("volumes").isMissingNode(),
                    "no webhook-applied /tmp next to Spark's own: the pod would have two volumes named tmp");
        }
        assertEquals(List.of(), violations);
    }

    @ParameterizedTest
    @ValueSource(strings = {"defaults", "all-on.yaml"})
    void controllerPodsRunAsTheImageUserWithAWritableTmp(String variant) {
        for (JsonNode d : Chart.ofKind(Chart.render(valuesFor(variant)), "Deployment")) {
            String name = d.path("metadata").path("name").asString();
            if (name.endsWith("-history")) {
                assertEquals(185, d.path("spec").path("template").path("spec").path("securityContext").path("runAsUser").asInt(), "the Spark image's user");
                continue;
            }
            if (name.endsWith("-placeholder")) {
                assertFalse(d.path("spec").path("template").path("spec").path("automountServiceAccountToken").asBoolean(true),
                        "placeholders need no API access");
                continue;
            }
            JsonNode spec = d.path("spec").path("template").path("spec");
            assertEquals(DockerfileTest.CONTROLLER_UID, spec.path("securityContext").path("runAsUser").asInt(), name);
            JsonNode container = spec.path("containers").get(0);
            assertEquals(DockerfileTest.CONTROLLER_UID, container.path("securityContext").path("runAsUser").asInt(), name);
            boolean tmp = false;
            for (JsonNode m : container.path("volumeMounts")) {
                tmp |= m.path("mountPath").asString().equals("/tmp");
            }
            assertTrue(tmp, name + " mounts no /tmp");
            assertEquals("/healthz", container.path("livenessProbe").path("httpGet").path("path").asString());
            assertEquals("/readyz", container.path("readinessProbe").path("httpGet").path("path").asString());
        }
    }
}
