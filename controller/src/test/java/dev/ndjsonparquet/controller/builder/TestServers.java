package dev.ndjsonparquet.controller.builder;

import com.adobe.testing.s3mock.testsupport.common.S3MockStarter;
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
 * ElasticMQ and S3Mock in this JVM, started once for every test class (and the benchmark) that needs them;
 * the end-to-end scenarios use the same pair.
 */
public final class TestServers {

    private static TestServers instance;

    public final SqsClient sqs;
    public final S3Client s3;
    public final URI sqsEndpoint;
    public final URI s3Endpoint;

    private TestServers(SqsClient sqs, S3Client s3, URI sqsEndpoint, URI s3Endpoint) {
        this.sqs = sqs;
        this.s3 = s3;
        this.sqsEndpoint = sqsEndpoint;
        this.s3Endpoint = s3Endpoint;
    }

    public static synchronized TestServers get() {
        if (instance == null) {
            SQSRestServer elasticMq = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
            int sqsPort = elasticMq.waitUntilStarted().localAddress().getPort();
            S3Mock s3Mock = new S3Mock();
            s3Mock.begin();
            URI sqsEndpoint = URI.create("http://127.0.0.1:" + sqsPort);
            URI s3Endpoint = URI.create("http://127.0.0.1:" + s3Mock.getHttpPort());
            var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
            SqsClient sqs = SqsClient.builder().region(Region.US_EAST_1).credentialsProvider(credentials)
                    .endpointOverride(sqsEndpoint).httpClient(ApacheHttpClient.builder().maxConnections(64).build()).build();
            S3Client s3 = S3Client.builder().region(Region.US_EAST_1).credentialsProvider(credentials)
                    .endpointOverride(s3Endpoint).forcePathStyle(true)
                    // S3Mock does not answer "Expect: 100-continue"; the client would wait for it on every PUT.
                    .serviceConfiguration(S3Configuration.builder().expectContinueEnabled(false).build())
                    .httpClient(ApacheHttpClient.builder().maxConnections(64).build()).build();
            instance = new TestServers(sqs, s3, sqsEndpoint, s3Endpoint);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                s3Mock.end();
                elasticMq.stopAndWait();
            }));
        }
        return instance;
    }

    /** S3Mock on random ports, HTTP only used. */
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
