package dev.ndjsonparquet.tools.e2e;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A dispatcher's SQS client that can kill its dispatcher inside a call: once armed, the n-th call that changes
 * something (a delete, a visibility change, a send: calls a dispatcher makes only for a message it holds, so the kill
 * always interrupts work in progress) goes to the server and takes effect, then ends the dispatcher's thread with
 * {@link Killed}, which no catch of the dispatcher's takes for a failed call; every later call fails the same way, as
 * for a dead process.
 */
final class KillableSqs {

    /** The end of a killed dispatcher's thread (an Error: the dispatcher retries RuntimeExceptions). */
    static final class Killed extends Error {
        private static final long serialVersionUID = 1L;

        Killed(String call) {
            super("dispatcher killed inside " + call);
        }
    }

    private final AtomicInteger writesLeft = new AtomicInteger(-1);
    private final AtomicReference<String> killedDuring = new AtomicReference<>();

    /** The {@code writes}-th call that changes something from now on is the dispatcher's last. */
    void arm(int writes) {
        writesLeft.set(writes);
    }

    /** The call inside which the dispatcher was killed, or null. */
    String killedDuring() {
        return killedDuring.get();
    }

    SqsClient wrap(SqsClient sqs) {
        return (SqsClient) Proxy.newProxyInstance(SqsClient.class.getClassLoader(), new Class<?>[] {SqsClient.class}, (proxy, method, args) -> {
            if (killedDuring.get() != null) {
                throw new Killed(killedDuring.get() + " (dead)");
            }
            Object result;
            try {
                result = method.invoke(sqs, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            String name = method.getName();
            boolean writes = name.startsWith("deleteMessage") || name.startsWith("changeMessageVisibility") || name.startsWith("sendMessage");
            if (writes && writesLeft.get() > 0 && writesLeft.decrementAndGet() == 0) {
                killedDuring.set(name);
                throw new Killed(name);
            }
            return result;
        });
    }
}
