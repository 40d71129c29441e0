package dev.ndjsonparquet.tools.e2e;

import dev.ndjsonparquet.controller.builder.TestServers;
import dev.ndjsonparquet.tools.local.LocalKubernetes;
import java.net.URI;
import software.amazon.awssdk.services.s3.S3Client;
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
            TestServers aws = TestServers.get();
            LocalKubernetes k8s = LocalKubernetes.start();
            instance = new Servers(aws.sqs, aws.s3, aws.s3Endpoint, k8s);
            Runtime.getRuntime().addShutdownHook(new Thread(k8s::close));
        }
        return instance;
    }

    SqsClient sqs() {
        return sqsClient;
    }

    S3Client s3() {
        return s3Client;
    }
}
