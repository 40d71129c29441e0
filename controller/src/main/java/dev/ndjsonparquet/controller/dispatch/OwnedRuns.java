package dev.ndjsonparquet.controller.dispatch;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * This dispatcher's runs as one step sees them: one list call, then the step's own creates and patches, so a run a
 * step created counts against the cap beside the attempt it replaces, and a decision it recorded is seen by a copy
 * of the message received later in the same step.
 */
final class OwnedRuns {

    private final Map<String, Run> byName = new LinkedHashMap<>();

    OwnedRuns(List<Run> listed) {
        listed.forEach(this::put);
    }

    /** A run as this step's own write left it. */
    void put(Run run) {
        byName.put(run.name(), run);
    }

    Collection<Run> all() {
        return List.copyOf(byName.values());
    }

    /** Every run (attempt) of one manifest. */
    List<Run> of(String manifestId) {
        List<Run> out = new ArrayList<>();
        for (Run r : byName.values()) {
            if (manifestId.equals(r.manifestId())) {
                out.add(r);
            }
        }
        return out;
    }

    /** The run of the manifest's latest attempt, or null. */
    Run latest(String manifestId) {
        Run best = null;
        for (Run r : of(manifestId)) {
            if (best == null || r.attempt() > best.attempt()) {
                best = r;
            }
        }
        return best;
    }
}
