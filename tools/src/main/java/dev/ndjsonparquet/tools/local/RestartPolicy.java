package dev.ndjsonparquet.tools.local;

import dev.ndjsonparquet.controller.k8s.SparkApplication;
import java.time.Duration;
import java.util.Map;

/** spark-operator's reading of an application's {@code spec.restartPolicy}. Pure. */
final class RestartPolicy {

    private static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

    private RestartPolicy() {
    }

    /** Reruns allowed after failed executions: OnFailure's onFailureRetries, Always unbounded, Never (or none) none. */
    static int retries(SparkApplication app) {
        Map<?, ?> policy = of(app);
        Object type = policy.get("type");
        if ("Always".equals(type)) {
            return Integer.MAX_VALUE;
        }
        if (!"OnFailure".equals(type) || !(policy.get("onFailureRetries") instanceof Number n)) {
            return 0;
        }
        return n.intValue();
    }

    /** How long spark-operator waits before a rerun (onFailureRetryInterval, seconds). */
    static Duration interval(SparkApplication app) {
        Object v = of(app).get("onFailureRetryInterval");
        return v instanceof Number n ? Duration.ofSeconds(n.longValue()) : DEFAULT_INTERVAL;
    }

    private static Map<?, ?> of(SparkApplication app) {
        Object rp = app.getSpec() == null ? null : app.getSpec().additionalProperty("restartPolicy");
        return rp instanceof Map<?, ?> m ? m : Map.of();
    }
}
