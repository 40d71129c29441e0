package dev.ndjsonparquet.spark.usage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ndjsonparquet.capacity.CapacityType;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The capacity type ({@link CapacityType}: spot, on-demand, unknown) of the node each of this application's executors
 * runs on, read by the driver from the Kubernetes API when it writes the result record: one {@code list} of its
 * executor pods (labels {@code spark-app-selector=<spark.app.id>}, {@code spark-role=executor}, which Spark puts on
 * them; the driver's Role may list pods in its namespace) and one {@code get} per node (a ClusterRole the chart binds
 * to the Spark ServiceAccount when {@code scheduling.overflow} is not {@code never}). Plain HTTP with the pod's
 * ServiceAccount token, not a Kubernetes client: the Spark image's own client stays the only one on its classpath.
 *
 * <p>Cost reporting must never fail a conversion: a node that may not be read (403) or is gone (404) is unknown, and
 * any other failure (the list refused, the API unreachable) is logged once and leaves every executor unknown. An
 * executor whose pod is already gone (Spark deletes a lost executor's pod) is not in the answer: unknown.
 */
public final class ExecutorCapacityTypes {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorCapacityTypes.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SERVICE_ACCOUNT = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient http;
    private final URI apiServer;
    private final Supplier<String> token;

    /**
     * @param apiServer the API server's base address ({@code https://kubernetes.default.svc:443})
     * @param token     the bearer token of each request (null or blank: none)
     */
    public ExecutorCapacityTypes(HttpClient http, URI apiServer, Supplier<String> token) {
        this.http = http;
        this.apiServer = apiServer;
        this.token = token;
    }

    /**
     * The reader of the pod this JVM runs in (its ServiceAccount's token and CA, the {@code KUBERNETES_SERVICE_*}
     * address), or null outside a pod with a mounted token.
     */
    public static ExecutorCapacityTypes inCluster() {
        String host = System.getenv("KUBERNETES_SERVICE_HOST");
        String port = System.getenv("KUBERNETES_SERVICE_PORT");
        Path tokenFile = SERVICE_ACCOUNT.resolve("token");
        Path ca = SERVICE_ACCOUNT.resolve("ca.crt");
        if (host == null || port == null || !Files.isReadable(tokenFile) || !Files.isReadable(ca)) {
            return null;
        }
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).sslContext(trusting(ca)).build();
            // The service's DNS name is in the API server's certificate whatever the cluster's service address.
            URI uri = URI.create("https://kubernetes.default.svc:" + port);
            return new ExecutorCapacityTypes(http, uri, () -> read(tokenFile));
        } catch (IOException | GeneralSecurityException e) {
            LOG.warn("the Kubernetes API's CA could not be loaded ({}): executor-seconds count as capacity type unknown",
                    e.toString());
            return null;
        }
    }

    /** Executor id ({@code spark-exec-id}) to its node's capacity type, for this application's executor pods. */
    public Map<String, CapacityType> of(String namespace, String appId) {
        Map<String, CapacityType> out = new LinkedHashMap<>();
        try {
            String selector = URLEncoder.encode("spark-app-selector=" + appId + ",spark-role=executor", StandardCharsets.UTF_8);
            HttpResponse<InputStream> pods = get("/api/v1/namespaces/" + namespace + "/pods?labelSelector=" + selector);
            if (pods.statusCode() != HttpURLConnection.HTTP_OK) {
                pods.body().close();
                LOG.warn("executor pods of {} could not be listed (HTTP {}): executor-seconds count as capacity type unknown",
                        appId, pods.statusCode());
                return out;
            }
            Map<String, CapacityType> nodes = new HashMap<>();
            boolean forbiddenSaid = false;
            for (JsonNode pod : readTree(pods).path("items")) {
                String id = pod.path("metadata").path("labels").path("spark-exec-id").asText("");
                String node = pod.path("spec").path("nodeName").asText("");
                if (id.isEmpty()) {
                    continue;
                }
                if (node.isEmpty()) {
                    out.put(id, CapacityType.UNKNOWN);
                    continue;
                }
                CapacityType type = nodes.get(node);
                if (type == null) {
                    HttpResponse<InputStream> n = get("/api/v1/nodes/" + URLEncoder.encode(node, StandardCharsets.UTF_8));
                    if (n.statusCode() == HttpURLConnection.HTTP_OK) {
                        Map<String, String> labels = new HashMap<>();
                        readTree(n).path("metadata").path("labels").fields()
                                .forEachRemaining(l -> labels.put(l.getKey(), l.getValue().asText()));
                        type = CapacityType.of(labels);
                    } else {
                        n.body().close();
                        if (n.statusCode() == HttpURLConnection.HTTP_FORBIDDEN && !forbiddenSaid) {
                            forbiddenSaid = true;
                            LOG.info("nodes may not be read (no ClusterRole for them: scheduling.overflow is never): "
                                    + "executor-seconds count as capacity type unknown");
                        } else if (n.statusCode() != HttpURLConnection.HTTP_NOT_FOUND
                                && n.statusCode() != HttpURLConnection.HTTP_FORBIDDEN) {
                            LOG.warn("node {} could not be read (HTTP {}): its executors count as capacity type unknown",
                                    node, n.statusCode());
                        }
                        type = CapacityType.UNKNOWN;
                    }
                    nodes.put(node, type);
                }
                out.put(id, type);
            }
            return out;
        } catch (IOException | RuntimeException e) {
            LOG.warn("the capacity types of {}'s executors could not be read ({}): the rest count as unknown", appId,
                    e.toString());
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return out;
        }
    }

    private HttpResponse<InputStream> get(String path) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(apiServer.resolve(path)).timeout(TIMEOUT)
                .header("Accept", "application/json").GET();
        String t = token.get();
        if (t != null && !t.isBlank()) {
            b.header("Authorization", "Bearer " + t);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    private static JsonNode readTree(HttpResponse<InputStream> r) throws IOException {
        try (InputStream in = r.body()) {
            return JSON.readTree(in);
        }
    }

    /** The token file is re-read on each use: the kubelet rotates it. */
    private static String read(Path tokenFile) {
        try {
            return Files.readString(tokenFile).trim();
        } catch (IOException e) {
            return null;
        }
    }

    private static SSLContext trusting(Path caFile) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + i++, c);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
