package dev.ndjsonparquet.controller.dispatch;

import dev.ndjsonparquet.controller.k8s.RoleSpec;
import dev.ndjsonparquet.controller.k8s.SparkApplication;
import dev.ndjsonparquet.controller.k8s.SparkApplicationStatus;
import java.time.Duration;
import java.time.Instant;

/**
 * What a finished run held, as spark-operator reports it: the executors the application asked for times
 * their cores times the time from its submission to its termination (else the attempt's start and now),
 * and the cost of that at a price per executor core-hour. Drivers are not counted. Pure.
 */
public record RunUsage(double executorCoreSeconds, double costUsd) {

    public static RunUsage of(SparkApplication app, Instant now, double coreHourPriceUsd) {
        RoleSpec executor = app.getSpec() == null ? null : app.getSpec().getExecutor();
        int instances = executor == null || executor.getInstances() == null ? 0 : executor.getInstances();
        Object c = executor == null ? null : executor.additionalProperty("cores");
        int cores = c instanceof Number n ? n.intValue() : 1;
        SparkApplicationStatus status = app.getStatus();
        Instant start = ApiTimestamps.parse(status == null ? null : status.getLastSubmissionAttemptTime());
        if (start == null) {
            start = SparkApplicationBuilder.startedAt(app);
        }
        Instant end = ApiTimestamps.parse(status == null ? null : status.getTerminationTime());
        if (end == null) {
            end = now;
        }
        double seconds = start == null || end.isBefore(start) ? 0 : Duration.between(start, end).toMillis() / 1000.0;
        double coreSeconds = (double) instances * cores * seconds;
        return new RunUsage(coreSeconds, coreSeconds / 3600.0 * coreHourPriceUsd);
    }
}
