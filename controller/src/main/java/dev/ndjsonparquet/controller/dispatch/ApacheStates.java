package dev.ndjsonparquet.controller.dispatch;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Apache Spark operator's states ({@code status.currentState.currentStateSummary}, 1.0.0) in the project's
 * terms; the table is in {@code docs/dispatcher.md}. Pure.
 *
 * <p>An attempt of Apache's operator ends in a stopping state (Succeeded, Failed, a time-out, a scheduling failure,
 * an evicted driver) and then, once its pods are released, in {@code ResourceReleased} (or
 * {@code TerminatedWithoutReleaseResources} when the retain policy keeps them); how it ended is the last stopping
 * state of the history ({@code status.stateTransitionHistory}).
 */
public final class ApacheStates {

    /** Infrastructure failures (the operator's own words): the driver or executors could not be placed in time. */
    private static final Set<String> INFRASTRUCTURE = Set.of("DriverStartTimedOut", "ExecutorsStartTimedOut", "SchedulingFailure");
    private static final Set<String> FAILED = Set.of("Failed", "DriverEvicted", "DriverReadyTimedOut");

    private ApacheStates() {
    }

    /** The project's state of an application whose current state is {@code current}, with its history. */
    public static RunState stateOf(String current, List<String> history) {
        if (current == null || current.isBlank()) {
            return RunState.PENDING;
        }
        return switch (current) {
            case "Submitted", "ScheduledToRestart" -> RunState.PENDING;
            // The driver pod, or the executors, wait to be placed: capacity, bounded by the operator's start time-outs.
            case "DriverRequested", "InitializedBelowThresholdExecutors" -> RunState.WAITING;
            case "Succeeded" -> RunState.SUCCEEDED;
            case "ResourceReleased", "TerminatedWithoutReleaseResources" -> ended(history);
            default -> INFRASTRUCTURE.contains(current) ? RunState.SUBMISSION_FAILED
                    : FAILED.contains(current) ? RunState.FAILED
                    // DriverStarted, DriverReady, RunningHealthy, RunningWithBelowThresholdExecutors,
                    // RunningWithPartialCapacity, and anything newer: the operator moves it on by itself.
                    : RunState.RUNNING;
        };
    }

    /** How an attempt whose pods were released ended: its last stopping state. */
    private static RunState ended(List<String> history) {
        for (int i = history.size() - 1; i >= 0; i--) {
            String s = history.get(i);
            if ("Succeeded".equals(s)) {
                return RunState.SUCCEEDED;
            }
            if (INFRASTRUCTURE.contains(s)) {
                return RunState.SUBMISSION_FAILED;
            }
            if (FAILED.contains(s)) {
                return RunState.FAILED;
            }
        }
        return RunState.FAILED;
    }

    /**
     * It needs a stop before it is left alone: its driver or executors may exist or start, and nothing but a stop will
     * end them. True until the operator reports a stopping state: after Succeeded, Failed, an evicted driver, a start
     * time-out or a scheduling failure the operator releases the pods by itself (its restarts are off and its
     * {@code resourceRetainPolicy} is Never, {@link ApacheApplications}), and a stop, which on 1.0.0 deletes the
     * application, would only take the dispatcher's record of a dead letter with it (a later copy of the message
     * would find nothing and run the manifest again).
     */
    public static boolean mayStillRun(String current, RunState state) {
        return !state.finished();
    }

    /** The states of {@code status.stateTransitionHistory} (keys are the transition numbers), oldest first. */
    public static List<String> history(Map<String, Object> transitions) {
        return transitions.entrySet().stream()
                .sorted(Comparator.comparingLong(e -> number(e.getKey())))
                .map(e -> ApacheApplications.map(e.getValue()).get("currentStateSummary"))
                .map(v -> v == null ? "" : v.toString())
                .toList();
    }

    /**
     * The last message of the history (a released attempt's state may carry none: the reason is on the state that
     * stopped it), or null.
     */
    public static String lastMessage(Map<String, Object> transitions) {
        return transitions.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, Object> e) -> number(e.getKey())).reversed())
                .map(e -> ApacheApplications.map(e.getValue()).get("message"))
                .filter(m -> m != null && !m.toString().isBlank())
                .map(Object::toString)
                .findFirst().orElse(null);
    }

    private static long number(String key) {
        try {
            return Long.parseLong(key);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
