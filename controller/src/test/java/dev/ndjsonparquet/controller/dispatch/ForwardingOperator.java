package dev.ndjsonparquet.controller.dispatch;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** An operator seam that forwards every call: tests override the calls they fault, record or hold. */
class ForwardingOperator implements SparkOperator {

    final SparkOperator real;

    ForwardingOperator(SparkOperator real) {
        this.real = real;
    }

    @Override
    public String describe() {
        return real.describe();
    }

    @Override
    public String namespace() {
        return real.namespace();
    }

    @Override
    public List<Run> list() {
        return real.list();
    }

    @Override
    public Created createOrAdopt(SparkApplicationBuilder.Request request) {
        return real.createOrAdopt(request);
    }

    @Override
    public Run annotate(String name, Map<String, String> annotations) {
        return real.annotate(name, annotations);
    }

    @Override
    public void stop(String name) {
        real.stop(name);
    }

    @Override
    public boolean delete(String name) {
        return real.delete(name);
    }

    @Override
    public RunUsage usage(Run run, Instant now) {
        return real.usage(run, now);
    }

    @Override
    public void warn(Run run, String reason, String message) {
        real.warn(run, reason, message);
    }
}
