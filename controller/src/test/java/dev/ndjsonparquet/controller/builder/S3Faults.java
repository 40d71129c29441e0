package dev.ndjsonparquet.controller.builder;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.UploadPartCopyRequest;

/**
 * Faults inside the SDK's own call, on an S3 client of its own over the test server: a call may be refused before
 * it is sent (not applied), applied and then throw (as a client timeout after S3 acted), or slowed inside its
 * timed attempt, so that the client's timeouts see the delay as a real slow call would. Every call is counted by
 * kind; every fault injected is recorded.
 */
final class S3Faults implements ExecutionInterceptor {

    /** The S3 calls the builder makes, by kind. */
    enum Call { CONDITIONAL_PUT, PUT, COPY, CREATE_UPLOAD, PART_COPY, COMPLETE_UPLOAD, ABORT_UPLOAD, OTHER }

    /** A fault that was injected: which call, its number among calls of its kind (from 1), and how. */
    record Injected(Call call, int nth, String how) {
    }

    private static final ExecutionAttribute<Integer> NTH = new ExecutionAttribute<>("s3-faults-nth");

    private final Map<Call, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final List<Injected> injected = new CopyOnWriteArrayList<>();
    private volatile BiFunction<Call, Integer, RuntimeException> before = (c, n) -> null;
    private volatile BiFunction<Call, Integer, Boolean> after = (c, n) -> false;
    private volatile BiFunction<Call, Integer, Duration> slow = (c, n) -> Duration.ZERO;

    /** Refuses a call before it is sent with the exception returned (null: no fault). */
    S3Faults before(BiFunction<Call, Integer, RuntimeException> rule) {
        before = rule;
        return this;
    }

    /** Lets a call take effect and then throws a client timeout when the rule says so. */
    S3Faults afterApplying(BiFunction<Call, Integer, Boolean> rule) {
        after = rule;
        return this;
    }

    /** Delays each attempt of a call by the duration returned, inside the attempt's timeout. */
    S3Faults slow(BiFunction<Call, Integer, Duration> rule) {
        slow = rule;
        return this;
    }

    int calls(Call c) {
        return calls.computeIfAbsent(c, k -> new AtomicInteger()).get();
    }

    List<Injected> injected() {
        return List.copyOf(injected);
    }

    /**
     * A client of the test S3 server with these faults, the given per-attempt and per-call timeouts (as
     * {@code AwsClients} sets them) and the SDK's standard retries, or none.
     */
    S3Client client(Duration attemptTimeout, Duration callTimeout, boolean retries) {
        TestServers servers = TestServers.get();
        return S3Client.builder().region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .endpointOverride(servers.s3Endpoint).forcePathStyle(true)
                .serviceConfiguration(S3Configuration.builder().expectContinueEnabled(false).build())
                .httpClient(ApacheHttpClient.builder().maxConnections(32).build())
                .overrideConfiguration(o -> {
                    o.addExecutionInterceptor(this).apiCallAttemptTimeout(attemptTimeout).apiCallTimeout(callTimeout);
                    if (!retries) {
                        o.retryPolicy(RetryPolicy.none());
                    }
                })
                .build();
    }

    static Call kind(SdkRequest r) {
        if (r instanceof PutObjectRequest p) {
            return p.ifNoneMatch() != null || p.ifMatch() != null ? Call.CONDITIONAL_PUT : Call.PUT;
        }
        if (r instanceof CopyObjectRequest) {
            return Call.COPY;
        }
        if (r instanceof CreateMultipartUploadRequest) {
            return Call.CREATE_UPLOAD;
        }
        if (r instanceof UploadPartCopyRequest) {
            return Call.PART_COPY;
        }
        if (r instanceof CompleteMultipartUploadRequest) {
            return Call.COMPLETE_UPLOAD;
        }
        if (r instanceof AbortMultipartUploadRequest) {
            return Call.ABORT_UPLOAD;
        }
        return Call.OTHER;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        Call c = kind(context.request());
        int nth = calls.computeIfAbsent(c, k -> new AtomicInteger()).incrementAndGet();
        attributes.putAttribute(NTH, nth);
        RuntimeException refused = before.apply(c, nth);
        if (refused != null) {
            injected.add(new Injected(c, nth, "refused: " + refused.getMessage()));
            throw refused;
        }
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        Call c = kind(context.request());
        Duration d = slow.apply(c, attributes.getAttribute(NTH));
        if (!d.isZero()) {
            injected.add(new Injected(c, attributes.getAttribute(NTH), "slowed by " + d));
            try {
                Thread.sleep(d.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the SDK's attempt timeout interrupts the call
            }
        }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        Call c = kind(context.request());
        int nth = attributes.getAttribute(NTH);
        if (after.apply(c, nth)) {
            injected.add(new Injected(c, nth, "applied, then threw"));
            throw ApiCallTimeoutException.builder().message("injected: S3 " + c + " #" + nth + " applied, then timed out").build();
        }
    }
}
