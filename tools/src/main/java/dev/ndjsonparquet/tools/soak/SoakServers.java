package dev.ndjsonparquet.tools.soak;

import com.adobe.testing.s3mock.testsupport.common.S3MockStarter;
import dev.ndjsonparquet.tools.local.LocalKubernetes;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The soak's servers, in this process: S3Mock, ElasticMQ and the Kubernetes mock API, each behind a {@link FaultProxy}.
 * Components get clients through the proxies, each naming itself ({@link Call#CALLER_HEADER}) and with short timeouts,
 * so that a slow call times out; the soak's own set-up and checks use direct clients, which no fault reaches.
 */
public final class SoakServers implements AutoCloseable {

    public static final String REGION = "us-east-1";
    /** One attempt of a call of a component; a slow fault holds its answer longer. */
    public static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(5);
    /** A whole call of a component, its SDK retries included. */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(15);
    /** How long a slow call's answer is held: past every caller's timeout for one attempt (S3A's included). */
    public static final Duration SLOW_FOR = Duration.ofSeconds(7);

    private final S3Mock s3Mock;
    private final SQSRestServer elasticMq;
    private final LocalKubernetes kubernetes;
    private final Vertx vertx;
    private final SdkHttpClient http;
    private final SdkHttpClient directHttp;
    private final StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("soak", "soak"));
    public final FaultProxy s3Proxy;
    public final FaultProxy sqsProxy;
    public final FaultProxy k8sProxy;
    public final S3Client s3;
    public final SqsClient sqs;
    public final Callers callers = new Callers();

    private SoakServers(S3Mock s3Mock, SQSRestServer elasticMq, LocalKubernetes kubernetes, FaultSchedule schedule, SoakCounts counts) {
        this.s3Mock = s3Mock;
        this.elasticMq = elasticMq;
        this.kubernetes = kubernetes;
        this.vertx = Vertx.vertx();
        int sqsPort = elasticMq.waitUntilStarted().localAddress().getPort();
        int k8sPort = URI.create(kubernetes.client().getConfiguration().getMasterUrl()).getPort();
        this.s3Proxy = new FaultProxy(vertx, "s3", s3Mock.getHttpPort(), schedule, callers, SLOW_FOR, counts);
        this.sqsProxy = new FaultProxy(vertx, "sqs", sqsPort, schedule, callers, SLOW_FOR, counts);
        this.k8sProxy = new FaultProxy(vertx, "k8s", k8sPort, schedule, callers, SLOW_FOR, counts);
        this.http = ApacheHttpClient.builder().connectionTimeout(Duration.ofSeconds(2)).socketTimeout(ATTEMPT_TIMEOUT)
                .connectionAcquisitionTimeout(Duration.ofSeconds(10)).maxConnections(200).build();
        this.directHttp = ApacheHttpClient.builder().maxConnections(32).build();
        this.s3 = s3(URI.create("http://127.0.0.1:" + s3Mock.getHttpPort()), null, directHttp);
        this.sqs = sqs(URI.create("http://127.0.0.1:" + sqsPort), null, directHttp);
    }

    /** Starts the servers and their proxies; {@code schedule} decides every proxied call's fault. */
    public static SoakServers start(FaultSchedule schedule, SoakCounts counts) {
        S3Mock s3Mock = new S3Mock();
        s3Mock.begin();
        SQSRestServer elasticMq = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
        LocalKubernetes k8s = LocalKubernetes.start();
        return new SoakServers(s3Mock, elasticMq, k8s, schedule, counts);
    }

    /** The S3 endpoint Spark's S3A reaches through the proxy. */
    public int s3ProxyPort() {
        return s3Proxy.port();
    }

    /** An S3 client of {@code caller}, through the proxy. */
    public S3Client s3(String caller) {
        return s3(URI.create("http://127.0.0.1:" + s3Proxy.port()), caller, http);
    }

    /** An SQS client of {@code caller}, through the proxy. */
    public SqsClient sqs(String caller) {
        return sqs(URI.create("http://127.0.0.1:" + sqsProxy.port()), caller, http);
    }

    /** A Kubernetes client of {@code caller}, through the proxy. */
    public KubernetesClient kubernetes(String caller) {
        Config base = kubernetes.client().getConfiguration();
        Config config = new ConfigBuilder(base).withMasterUrl("http://127.0.0.1:" + k8sProxy.port() + "/")
                .withRequestTimeout((int) ATTEMPT_TIMEOUT.toMillis()).withConnectionTimeout(2000)
                .withRequestRetryBackoffLimit(3).build();
        Interceptor naming = new Interceptor() {
            @Override
            public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
                builder.header(Call.CALLER_HEADER, caller);
            }
        };
        return new KubernetesClientBuilder().withConfig(config)
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("soak-caller", naming)).build();
    }

    /** The Kubernetes API without faults: for the soak's own looks. */
    public KubernetesClient kubernetes() {
        return kubernetes.client();
    }

    private S3Client s3(URI endpoint, String caller, SdkHttpClient client) {
        return S3Client.builder().region(Region.of(REGION)).credentialsProvider(credentials).endpointOverride(endpoint)
                .forcePathStyle(true)
                // S3Mock does not answer "Expect: 100-continue"; the client would wait for it on every PUT.
                .serviceConfiguration(S3Configuration.builder().expectContinueEnabled(false).build())
                .httpClient(client).overrideConfiguration(override(caller)).build();
    }

    private SqsClient sqs(URI endpoint, String caller, SdkHttpClient client) {
        return SqsClient.builder().region(Region.of(REGION)).credentialsProvider(credentials).endpointOverride(endpoint)
                .httpClient(client).overrideConfiguration(override(caller)).build();
    }

    private static ClientOverrideConfiguration override(String caller) {
        var b = ClientOverrideConfiguration.builder();
        if (caller != null) {
            b.apiCallAttemptTimeout(ATTEMPT_TIMEOUT).apiCallTimeout(CALL_TIMEOUT).putHeader(Call.CALLER_HEADER, caller);
        }
        return b.build();
    }

    @Override
    public void close() {
        s3Proxy.close();
        sqsProxy.close();
        k8sProxy.close();
        vertx.close();
        s3.close();
        sqs.close();
        http.close();
        directHttp.close();
        kubernetes.close();
        elasticMq.stopAndWait();
        s3Mock.end();
    }

    /** S3Mock on random ports, HTTP only used. */
    private static final class S3Mock extends S3MockStarter {
        private static final String SPRING_LOGGING_SYSTEM = "org.springframework.boot.logging.LoggingSystem";

        S3Mock() {
            super(Map.of("http.port", 0, "server.port", 0, "silent", true));
        }

        /**
         * Starts S3Mock without letting Spring Boot reconfigure logging: its logging system would set the shared
         * logback context's root level to WARN ("silent") for the rest of the JVM, and a later local command in the
         * same JVM would write no log lines.
         */
        void begin() {
            if (System.getProperty(SPRING_LOGGING_SYSTEM) == null) {
                System.setProperty(SPRING_LOGGING_SYSTEM, "none");
            }
            start();
        }

        void end() {
            stop();
        }
    }
}
