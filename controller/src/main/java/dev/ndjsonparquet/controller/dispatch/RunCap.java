package dev.ndjsonparquet.controller.dispatch;

import java.util.HashSet;
import java.util.Set;

/**
 * The runs that hold a slot of {@code max-concurrent-runs}: every run that may still run, not every manifest. During
 * a retry the previous attempt (stopped, then deleted) can keep its pods next to the new attempt's until the operator
 * is done with it, so it counts until it is gone. A manifest in flight with no such run (waiting out a retry's
 * back-off, or for a dependency before its first run) holds one slot for the run it is about to start, and so does a
 * message whose manifest could not be read yet. Pure.
 */
final class RunCap {

    private RunCap() {
    }

    static int active(OwnedRuns runs, InFlight held) {
        int active = 0;
        Set<String> running = new HashSet<>();
        for (Run r : runs.all()) {
            if (r.manifestId() != null && r.holdsSlot()) {
                active++;
                running.add(r.manifestId());
            }
        }
        for (String id : held.manifestIds()) {
            if (!running.contains(id)) {
                active++;
            }
        }
        return active + held.arrivals().size();
    }
}
