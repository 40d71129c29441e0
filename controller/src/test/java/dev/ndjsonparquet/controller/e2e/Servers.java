package dev.ndjsonparquet.controller.e2e;

import com.adobe.testing.s3mock.testsupport.common.S3MockStarter;
import dev.ndjsonparquet.controller.local.LocalKubernetes;
import java.net.URI;
import java.util.Map;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The protocol servers of the end-to-end scenarios, started once per test JVM: S3Mock (S3, also for Spark's
 * S3A in the child JVMs), ElasticMQ (SQS) and the Fabric8 mock Kubernetes API in CRUD mode with the
 * SparkApplication kind and its status subresource. Each scenario gets its own buckets, queues and namespace.
 */
final class Servers {

    static final String REGION = "us-east-1";
    private static Servers instance;

    private final SqsClient sqsClient;
    private final S3Client s3Client;
    final URI s3Endpoint;
    final LocalKubernetes kubernetes;

    private Servers(SqsClient sqsClient, S3Client s3Client, URI s3Endpoint, LocalKubernetes kubernetes) {
        this.sqsClient = sqsClient;
        this.s3Client = s3Client;
        this.s3Endpoint = s3Endpoint;
        this.kubernetes = kubernetes;
    }

    static synchronized Servers get() {
        if (instance == null) {
            SQSRestServer elasticMq = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
            int sqsPort = elasticMq.waitUntilStarted().localAddress().getPort();
            S3Mock s3Mock = new S3Mock();
            s3Mock.begin();
            URI s3 = URI.create("http://127.0.0.1:" + s3Mock.getHttpPort());
            URI sqs = URI.create("http://127.0.0.1:" + sqsPort);
            var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
            SqsClient sqsClient = SqsClient.builder().region(Region.US_EAST_1).credentialsProvider(credentials)
                    .endpointOverride(sqs).httpClient(ApacheHttpClient.builder().maxConnections(64).build()).build();
            S3Client s3Client = S3Client.builder().region(Region.US_EAST_1).credentialsProvider(credentials)
                    .endpointOverride(s3).forcePathStyle(true)
                    // S3Mock does not answer "Expect: 100-continue"; the client would wait for it on every PUT.
                    .serviceConfiguration(S3Configuration.builder().expectContinueEnabled(false).build())
                    .httpClient(ApacheHttpClient.builder().maxConnections(64).build()).build();
            LocalKubernetes k8s = LocalKubernetes.start();
            instance = new Servers(sqsClient, s3Client, s3, k8s);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                k8s.close();
                s3Mock.end();
                elasticMq.stopAndWait();
            }));
        }
        return instance;
    }

    SqsClient sqs() {
        return sqsClient;
    }

    S3Client s3() {
        return s3Client;
    }

    /** S3Mock on a random port, HTTP only. */
    private static final class S3Mock extends S3MockStarter {
        S3Mock() {
            super(Map.of("http.port", 0, "server.port", 0, "silent", true));
        }

        void begin() {
            start();
        }

        void end() {
            stop();
        }
    }
}
