package dev.ndjsonparquet.controller.builder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * The services the builder cannot work without, and how to tell from an error that one of them is out (as
 * opposed to a failure of the one record being processed): a client-side failure (timeout, connection refused,
 * I/O), throttling, a 5xx answer, or a refusal of the credentials (401, 403: an expired token, a missing
 * permission affects every call). An error of the object store is the store's unless it is tagged
 * ({@link Failure}) with another dependency, as the manifest queue's sends are.
 */
public enum Dependency {
    S3, SQS;

    /** The name shown in metrics and /readyz. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** An error of a call to a dependency that is not the one the surrounding code mostly calls. */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Dependency dependency;

        Failure(Dependency dependency, String what, RuntimeException cause) {
            super(what + " failed: " + cause, cause);
            this.dependency = dependency;
        }
    }

    /** The dependency a tagged error names, else {@code otherwise}. */
    static Dependency of(Throwable e, Dependency otherwise) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof Failure f) {
                return f.dependency;
            }
        }
        return otherwise;
    }

    /** True when the error says the dependency is unreachable, overloaded or refusing us, not that one request was bad. */
    static boolean isOutage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SdkClientException || t instanceof UncheckedIOException || t instanceof IOException) {
                return true;
            }
            if (t instanceof SdkServiceException s) {
                int status = s.statusCode();
                return s.isThrottlingException() || status >= 500 || status == 429 || status == 408
                        || status == 401 || status == 403;
            }
        }
        return false;
    }
}
