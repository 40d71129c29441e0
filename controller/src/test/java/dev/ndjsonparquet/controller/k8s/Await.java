package dev.ndjsonparquet.controller.k8s;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded polling for asynchronous outcomes in tests: never a fixed sleep, never a timing assertion. */
public final class Await {

    private Await() {
    }

    public static void until(Duration atMost, BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + atMost + " waiting for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }
}
