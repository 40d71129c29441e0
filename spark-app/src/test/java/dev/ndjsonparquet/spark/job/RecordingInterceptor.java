package dev.ndjsonparquet.spark.job;

import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Records the name of every operation S3A's client sends ({@code GetObject}, {@code PutObject}, ...), installed through
 * S3A's {@code fs.s3a.audit.execution.interceptors}: S3A instantiates it by name, so what it saw is kept in a static set
 * (driver and executors share the test's JVM in local mode).
 */
public final class RecordingInterceptor implements ExecutionInterceptor {

    private static final Set<String> OPERATIONS = new TreeSet<>();

    /** What was sent since the last {@link #clear()}, sorted. */
    static synchronized Set<String> operations() {
        return new TreeSet<>(OPERATIONS);
    }

    static synchronized void clear() {
        OPERATIONS.clear();
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        synchronized (RecordingInterceptor.class) {
            OPERATIONS.add(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
        }
    }
}
