package dev.ndjsonparquet.controller.aws;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Builds the AWS clients every controller role uses, one way: the default credential chain (IRSA, pod
 * identity, environment, profile; never keys in configuration), the configured or discovered region,
 * an optional endpoint override for local and test servers, and the synchronous Apache HTTP client with
 * timeouts on connecting, reading and whole calls. Clients are created lazily and closed together.
 */
public final class AwsClients implements AutoCloseable {

    /** Timeouts on every call; the long-poll wait (at most 20 s) fits inside {@link #socketTimeout}. */
    public record Timeouts(Duration connect, Duration socketTimeout, Duration apiCallAttempt, Duration apiCall) {
        public static final Timeouts DEFAULT = new Timeouts(
                Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(90));
    }

    private final Region region;
    private final URI endpoint;
    private final AwsCredentialsProvider credentials;
    private final Timeouts timeouts;
    private final SdkHttpClient http;
    private SqsClient sqs;
    private S3Client s3;

    private AwsClients(Region region, URI endpoint, AwsCredentialsProvider credentials, Timeouts timeouts) {
        this.region = region;
        this.endpoint = endpoint;
        this.credentials = credentials;
        this.timeouts = timeouts;
        this.http = ApacheHttpClient.builder()
                .connectionTimeout(timeouts.connect())
                .socketTimeout(timeouts.socketTimeout())
                .connectionAcquisitionTimeout(timeouts.connect())
                .maxConnections(32)
                .build();
    }

    /**
     * Clients for production: the default credential chain.
     *
     * @param region   the region name, or null/blank to use the SDK's region chain (AWS_REGION, profile, IMDS)
     * @param endpoint an endpoint override (ElasticMQ, an S3-compatible server), or null for AWS
     */
    public static AwsClients create(String region, URI endpoint) {
        return create(region, endpoint, DefaultCredentialsProvider.builder().build(), Timeouts.DEFAULT);
    }

    /** Clients with explicit credentials: for tests against local servers, which accept any keys. */
    public static AwsClients create(String region, URI endpoint, AwsCredentialsProvider credentials, Timeouts timeouts) {
        Region r = region == null || region.isBlank()
                ? new DefaultAwsRegionProviderChain().getRegion()
                : Region.of(region);
        return new AwsClients(r, endpoint, credentials, timeouts);
    }

    public synchronized SqsClient sqs() {
        if (sqs == null) {
            var b = SqsClient.builder().region(region).credentialsProvider(credentials)
                    .httpClient(http).overrideConfiguration(override());
            if (endpoint != null) {
                b.endpointOverride(endpoint);
            }
            sqs = b.build();
        }
        return sqs;
    }

    public synchronized S3Client s3() {
        if (s3 == null) {
            var b = S3Client.builder().region(region).credentialsProvider(credentials)
                    .httpClient(http).overrideConfiguration(override());
            if (endpoint != null) {
                // Local S3-compatible servers have no virtual-host DNS.
                b.endpointOverride(endpoint).forcePathStyle(true);
            }
            s3 = b.build();
        }
        return s3;
    }

    public Region region() {
        return region;
    }

    private ClientOverrideConfiguration override() {
        return ClientOverrideConfiguration.builder()
                .apiCallAttemptTimeout(timeouts.apiCallAttempt())
                .apiCallTimeout(timeouts.apiCall())
                .build();
    }

    @Override
    public synchronized void close() {
        if (sqs != null) {
            sqs.close();
        }
        if (s3 != null) {
            s3.close();
        }
        http.close();
    }
}
