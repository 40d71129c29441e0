package dev.ndjsonparquet.controller.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.controller.k8s.Await;
import dev.ndjsonparquet.controller.k8s.KubernetesApiCalls;
import dev.ndjsonparquet.controller.k8s.LeaseLeadership;
import dev.ndjsonparquet.controller.k8s.SparkApplications;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dispatcher's Kubernetes calls, recorded at the mock server through a full life-cycle (start-up
 * check, leader election, create, adopt, retry, dead-letter, stuck delete, events), are exactly those
 * declared in rbac-calls.yaml, which the chart's RBAC is checked against.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesApiCallsTest {

    static KubernetesClient client;
    static KubernetesMockServer server;
    private static final String AGENT = "dispatcher-under-test";

    @TempDir
    Path tmp;

    @Test
    void theDispatcherMakesOnlyTheDeclaredCalls() throws Exception {
        Set<String> seen = new TreeSet<>();
        try (Harness h = new Harness(client);
             KubernetesClient dispatcherClient = new KubernetesClientBuilder()
                     .withConfig(new ConfigBuilder(client.getConfiguration()).withUserAgent(AGENT).build()).build()) {
            h.fresh(tmp);
            assertTrue(new SparkApplications(dispatcherClient, h.namespace).crdInstalled());
            String ok = h.good("ok");
            String failing = h.good("failing");
            String stuck = h.good("stuck");
            List.of(ok, failing, stuck).forEach(h::send);
            try (LeaseLeadership lease = LeaseLeadership.start(dispatcherClient, new LeaseLeadership.Config(h.namespace,
                    "dispatcher", "me", Duration.ofSeconds(20), Duration.ofSeconds(15), Duration.ofSeconds(1)));
                 // The margins a loaded 2-core machine needs: the lease of DispatcherTest, and a stuck timeout that a
                 // stall of the test between a create and its first state cannot run out.
                 Harness.Controller c = h.controller(Harness.Limits.defaults().maxAttempts(2).stuck(Duration.ofSeconds(6)),
                         lease::isLeader, dispatcherClient)) {
                Await.until(Duration.ofSeconds(30), () -> h.applications().size() == 3, "three applications");
                h.drive(name(ok), "SUBMITTED", "RUNNING", "SUCCEEDING", "COMPLETED");
                h.drive(name(failing), "SUBMITTED", "RUNNING", "FAILING", "FAILED");
                Await.until(Duration.ofSeconds(30), () -> c.count("applications_retried") >= 1, "a retry");
                Await.until(Duration.ofSeconds(30), () -> h.application(name(failing) + "-2") != null, "the second attempt");
                h.drive(name(failing) + "-2", "SUBMITTED", "RUNNING", "FAILING", "FAILED");
                assertEquals(2, h.drainDeadLetters(2).size());
                Await.until(Duration.ofSeconds(30), () -> h.depth(h.queue) == 0, "an empty queue");
            }
            for (RecordedRequest r = server.takeRequest(200, TimeUnit.MILLISECONDS); r != null;
                 r = server.takeRequest(200, TimeUnit.MILLISECONDS)) {
                String agent = r.getHeader("User-Agent");
                if (agent != null && agent.contains(AGENT)) {
                    seen.add(call(r.getMethod(), r.getPath()));
                }
            }
        }
        Set<String> declared = declared();
        for (String call : seen) {
            assertTrue(declared.contains(call), () -> call + " is not declared in rbac-calls.yaml " + declared + "; seen " + seen);
        }
        for (String expected : List.of("sparkoperator.k8s.io/sparkapplications:create", "sparkoperator.k8s.io/sparkapplications:delete",
                "sparkoperator.k8s.io/sparkapplications:list", "sparkoperator.k8s.io/sparkapplications:patch", "coordination.k8s.io/leases:patch", "/events:create",
                "apiextensions.k8s.io/customresourcedefinitions:get")) {
            assertTrue(seen.contains(expected), () -> expected + " was not exercised; seen " + seen);
        }
    }

    private static String name(String body) {
        return Labels.applicationName(dev.ndjsonparquet.manifest.ManifestCodec.decodeMessage(body).manifestId());
    }

    /** "group/resource:verb" for one request, as RBAC sees it. */
    static String call(String method, String path) {
        URI uri = URI.create(path);
        String[] seg = uri.getPath().replaceFirst("^/", "").split("/");
        int i;
        String group;
        if (seg[0].equals("api")) {
            group = "";
            i = 2;
        } else {
            group = seg[1];
            i = 3;
        }
        if (i < seg.length && seg[i].equals("namespaces") && i + 2 < seg.length) {
            i += 2;
        }
        String resource = seg[i];
        boolean named = i + 1 < seg.length;
        if (i + 2 < seg.length) {
            resource = resource + "/" + seg[i + 2];
        }
        String query = uri.getQuery() == null ? "" : uri.getQuery();
        String verb = switch (method) {
            case "GET" -> named ? "get" : query.contains("watch=true") ? "watch" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> method.toLowerCase(java.util.Locale.ROOT);
        };
        return group + "/" + resource + ":" + verb;
    }

    @SuppressWarnings("unchecked")
    private static Set<String> declared() {
        Map<String, Object> doc = client.getKubernetesSerialization().unmarshal(KubernetesApiCalls.yaml(), Map.class);
        Set<String> out = new TreeSet<>();
        Map<String, Object> kubeflow = (Map<String, Object>) ((Map<String, Object>) doc.get("operators")).get("kubeflow");
        for (String section : List.of("rules", "clusterRules")) {
            List<Map<String, Object>> rules = new java.util.ArrayList<>((List<Map<String, Object>>) doc.get(section));
            rules.addAll((List<Map<String, Object>>) kubeflow.get(section));
            if (section.equals("clusterRules")) { // granted with scheduling.overflow (nodes of the executors' pods)
                rules.addAll((List<Map<String, Object>>) ((Map<String, Object>) doc.get("overflow")).get(section));
            }
            for (Map<String, Object> rule : rules) {
                for (String g : (List<String>) rule.get("apiGroups")) {
                    for (String r : (List<String>) rule.get("resources")) {
                        for (String v : (List<String>) rule.get("verbs")) {
                            out.add(g + "/" + r + ":" + v);
                        }
                    }
                }
            }
        }
        return out;
    }
}
