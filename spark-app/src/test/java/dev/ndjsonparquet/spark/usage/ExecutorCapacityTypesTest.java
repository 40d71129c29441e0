package dev.ndjsonparquet.spark.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ndjsonparquet.capacity.CapacityType;
import dev.ndjsonparquet.spark.output.ConversionResult;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The driver reads its executors' nodes' capacity types from the Kubernetes API, and the result record's
 * executor-seconds are split by them, against figures computed by hand. A node that may not be read (403) or is gone
 * (404), an executor whose pod is gone, a refused list and an unreachable API server all count as unknown and never
 * fail the run.
 *
 * <p>The API is a small in-test server answering the two calls the driver makes (the pod list by label selector, the
 * node get), with the bodies the API server returns: Fabric8's mock server cannot run on spark-app's test classpath
 * (its Vert.x 5 needs a newer Netty than the one Spark brings: {@code NoSuchFieldError ACCEPT_QUERY}).
 */
class ExecutorCapacityTypesTest {

    private static final String NS = "spark-jobs";
    private static final String APP = "spark-0123456789abcdef";
    private static final long T0 = 1_800_000_000_000L;

    /** Pod: namespace, labels, node name. */
    private record Pod(String namespace, Map<String, String> labels, String nodeName) {
    }

    private final List<Pod> pods = new CopyOnWriteArrayList<>();
    /** Node name to its labels; a node missing is gone. */
    private final Map<String, Map<String, String>> nodes = new ConcurrentHashMap<>();
    /** Nodes that may not be read (no ClusterRole for them: 403). */
    private final List<String> forbidden = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> listStatus = new ConcurrentHashMap<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final List<String> nodeGets = new CopyOnWriteArrayList<>();
    private HttpServer server;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(HttpExchange x) throws IOException {
        authorizations.add(String.valueOf(x.getRequestHeaders().getFirst("Authorization")));
        String path = x.getRequestURI().getPath();
        String[] p = path.split("/");
        if (path.startsWith("/api/v1/nodes/")) {
            String name = p[4];
            nodeGets.add(name);
            if (forbidden.contains(name)) {
                reply(x, 403, "{\"kind\":\"Status\",\"code\":403,\"reason\":\"Forbidden\"}");
            } else if (!nodes.containsKey(name)) {
                reply(x, 404, "{\"kind\":\"Status\",\"code\":404,\"reason\":\"NotFound\"}");
            } else {
                reply(x, 200, "{\"kind\":\"Node\",\"metadata\":{\"name\":\"" + name + "\",\"labels\":" + json(nodes.get(name)) + "}}");
            }
        } else if (p.length == 6 && p[5].equals("pods")) {
            String ns = p[4];
            if (listStatus.containsKey(ns)) {
                reply(x, listStatus.get(ns), "{}");
                return;
            }
            String selector = URLDecoder.decode(x.getRequestURI().getRawQuery().replaceFirst("^labelSelector=", ""),
                    StandardCharsets.UTF_8);
            List<String> items = new ArrayList<>();
            for (Pod pod : pods) {
                boolean match = pod.namespace().equals(ns);
                for (String term : selector.split(",")) {
                    String[] kv = term.split("=", 2);
                    match &= kv[1].equals(pod.labels().get(kv[0]));
                }
                if (match) {
                    items.add("{\"metadata\":{\"labels\":" + json(pod.labels()) + "},\"spec\":{\"nodeName\":\""
                            + pod.nodeName() + "\"}}");
                }
            }
            reply(x, 200, "{\"kind\":\"PodList\",\"items\":[" + String.join(",", items) + "]}");
        } else {
            reply(x, 404, "{}");
        }
    }

    private static String json(Map<String, String> m) {
        List<String> kv = new ArrayList<>();
        m.forEach((k, v) -> kv.add("\"" + k + "\":\"" + v + "\""));
        return "{" + String.join(",", kv) + "}";
    }

    private static void reply(HttpExchange x, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(status, b.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(b);
        }
    }

    private ExecutorCapacityTypes reader() {
        return new ExecutorCapacityTypes(HttpClient.newHttpClient(),
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()), () -> "a-token");
    }

    private void executor(String app, String id, String nodeName) {
        pods.add(new Pod(NS, Map.of("spark-app-selector", app, "spark-role", "executor", "spark-exec-id", id), nodeName));
    }

    private static long at(int seconds) {
        return T0 + seconds * 1000L;
    }

    @Test
    void executorSecondsSplitBySpotOnDemandAndUnknown() {
        nodes.put("spot-a", Map.of("karpenter.sh/capacity-type", "spot"));
        nodes.put("od-b", Map.of("karpenter.sh/capacity-type", "on-demand"));
        nodes.put("mng-c", Map.of("eks.amazonaws.com/capacityType", "ON_DEMAND"));
        executor(APP, "1", "spot-a");
        executor(APP, "3", "od-b");
        executor(APP, "4", "mng-c");
        executor(APP, "5", "node-gone");
        executor(APP, "6", "od-b");
        // Another application's executor on a spot node, and this application's driver: neither is listed.
        executor("spark-other", "1", "spot-a");
        pods.add(new Pod(NS, Map.of("spark-app-selector", APP, "spark-role", "driver"), "spot-a"));

        Map<String, CapacityType> types = reader().of(NS, APP);
        assertEquals(Map.of("1", CapacityType.SPOT, "3", CapacityType.ON_DEMAND, "4", CapacityType.ON_DEMAND,
                "5", CapacityType.UNKNOWN, "6", CapacityType.ON_DEMAND), types);
        assertEquals(List.of("spot-a", "od-b", "mng-c", "node-gone"), nodeGets, "one get per node");
        assertEquals(List.of("Bearer a-token"), authorizations.stream().distinct().toList());

        // Asked for 4 at 0. 1 (spot) 20..1000 = 980 s; 2 (lost at 300, its pod deleted: unknown) 20..300 = 280 s;
        // 3 (on-demand, Karpenter) 200..1000 = 800 s; 4 (on-demand, managed node group) 320..1000 = 680 s;
        // 5 (its node gone: unknown) 400..1000 = 600 s.
        ExecutorTimeline t = new ExecutorTimeline(4, at(0));
        t.added("1", at(20));
        t.added("2", at(20));
        t.added("3", at(200));
        t.removed("2", at(300));
        t.added("4", at(320));
        t.added("5", at(400));
        ConversionResult.Capacity c = t.at(at(1000), types);
        assertEquals(980 + 280 + 800 + 680 + 600, c.executorSeconds(), 1e-9);
        assertEquals(new ConversionResult.ByCapacityType(980, 800 + 680, 280 + 600), c.executorSecondsByCapacityType());
        // Short of 4 until the fourth registered executor (5) at 400: 2 at 20, 3 at 200, 2 at 300, 3 at 320.
        assertEquals(400.0, c.executorWaitSeconds(), 1e-9);
    }

    @Test
    void withoutTheClusterRoleNodesAreUnknownAndTheRunGoesOn() {
        forbidden.add("spot-forbidden");
        executor("spark-forbidden", "1", "spot-forbidden");
        executor("spark-forbidden", "2", "spot-forbidden");
        assertEquals(Map.of("1", CapacityType.UNKNOWN, "2", CapacityType.UNKNOWN), reader().of(NS, "spark-forbidden"));
        assertEquals(List.of("spot-forbidden"), nodeGets, "asked once, not for every pod");
    }

    @Test
    void aRefusedListLeavesEveryExecutorUnknown() {
        listStatus.put("refused", 403);
        assertEquals(Map.of(), reader().of("refused", "spark-x"));
        ExecutorTimeline t = new ExecutorTimeline(1, at(0));
        t.added("1", at(10));
        assertEquals(new ConversionResult.Capacity(1, 1, 10, 50, new ConversionResult.ByCapacityType(0, 0, 50)),
                t.at(at(60), reader().of("refused", "spark-x")));
    }

    @Test
    void anUnreachableApiServerLeavesEveryExecutorUnknown() {
        ExecutorCapacityTypes nowhere = new ExecutorCapacityTypes(HttpClient.newHttpClient(), URI.create("http://127.0.0.1:1"),
                () -> null);
        assertEquals(Map.of(), nowhere.of(NS, APP));
    }
}
