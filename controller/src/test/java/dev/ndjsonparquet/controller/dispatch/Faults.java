package dev.ndjsonparquet.controller.dispatch;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Faults injected into the dispatcher's calls: each armed call takes effect and then throws (a timeout
 * after the write, as S3, SQS and the Kubernetes API can do), and may run an action at that moment (kill
 * the dispatcher, move the Lease). Counts what it injected, so a test can check the fault happened.
 */
final class Faults {

    /** Every call of the dispatcher that changes or reads state. */
    enum Call {
        CREATE_APPLICATION, DELETE_APPLICATION, PATCH_APPLICATION, LIST_APPLICATIONS,
        DELETE_MESSAGE, CHANGE_VISIBILITY, SEND_DEAD_LETTER, RECEIVE
    }

    /** Thrown by an armed call after it took effect. */
    static final class Injected extends RuntimeException {
        Injected(Call call) {
            super("injected fault after " + call + " took effect");
        }
    }

    /** A kill: escapes the dispatcher's error handling and ends its thread in the middle of the step, as a lost pod. */
    static final class Killed extends Error {
        Killed() {
            super("dispatcher killed by the test in the middle of a step");
        }
    }

    /** The action that kills the dispatcher whose call it is. */
    static void kill() {
        throw new Killed();
    }

    private final Map<Call, AtomicInteger> armed = new EnumMap<>(Call.class);
    private final Map<Call, AtomicInteger> skip = new EnumMap<>(Call.class);
    private final Map<Call, AtomicInteger> injected = new EnumMap<>(Call.class);
    private volatile Runnable onFault = () -> { };
    private volatile boolean throwing = true;

    Faults() {
        for (Call c : Call.values()) {
            armed.put(c, new AtomicInteger());
            skip.put(c, new AtomicInteger());
            injected.put(c, new AtomicInteger());
        }
    }

    /** The next {@code times} calls of {@code call}, after {@code skipFirst} clean ones, apply and then throw. */
    Faults arm(Call call, int skipFirst, int times) {
        skip.get(call).set(skipFirst);
        armed.get(call).set(times);
        return this;
    }

    /** Runs at each injected fault, after the call took effect and before it throws. */
    Faults onFault(Runnable action) {
        this.onFault = action;
        return this;
    }

    /** Armed calls run the action and return normally (a Lease lost during a call that succeeded). */
    Faults withoutThrowing() {
        this.throwing = false;
        return this;
    }

    int injected(Call call) {
        return injected.get(call).get();
    }

    <T> T around(Call call, Supplier<T> real) {
        T result = real.get();
        if (skip.get(call).getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return result;
        }
        if (armed.get(call).getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            injected.get(call).incrementAndGet();
            onFault.run();
            if (throwing) {
                throw new Injected(call);
            }
        }
        return result;
    }

    /** The operator seam with these faults (any operator: the faults are on the seam's calls). */
    SparkOperator operator(SparkOperator real) {
        Faults f = this;
        return new ForwardingOperator(real) {
            @Override
            public List<Run> list() {
                return f.around(Call.LIST_APPLICATIONS, real::list);
            }

            @Override
            public Created createOrAdopt(SparkApplicationBuilder.Request request) {
                return f.around(Call.CREATE_APPLICATION, () -> real.createOrAdopt(request));
            }

            @Override
            public Run annotate(String name, Map<String, String> annotations) {
                return f.around(Call.PATCH_APPLICATION, () -> real.annotate(name, annotations));
            }

            @Override
            public void stop(String name) {
                f.around(Call.PATCH_APPLICATION, () -> {
                    real.stop(name);
                    return null;
                });
            }

            @Override
            public boolean delete(String name) {
                return f.around(Call.DELETE_APPLICATION, () -> real.delete(name));
            }
        };
    }

    /** An SQS client whose message calls are faulted; {@code send} is the call a send counts as. */
    SqsClient sqs(SqsClient real, Call send) {
        return (SqsClient) Proxy.newProxyInstance(SqsClient.class.getClassLoader(), new Class<?>[] {SqsClient.class},
                (proxy, method, args) -> {
                    Call call = switch (method.getName()) {
                        case "deleteMessage" -> Call.DELETE_MESSAGE;
                        case "changeMessageVisibility" -> Call.CHANGE_VISIBILITY;
                        case "sendMessage" -> send;
                        case "receiveMessage" -> Call.RECEIVE;
                        default -> null;
                    };
                    Supplier<Object> invoke = () -> {
                        try {
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                        } catch (IllegalAccessException e) {
                            throw new IllegalStateException(e);
                        }
                    };
                    if (call == null) {
                        return invoke.get();
                    }
                    try {
                        return around(call, invoke);
                    } catch (Injected e) {
                        throw ApiCallTimeoutException.builder().message(e.getMessage()).build();
                    }
                });
    }
}
