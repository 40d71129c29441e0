package dev.ndjsonparquet.controller.dispatch;

import java.util.function.BooleanSupplier;

/** Checked before every write: a replica that lost the Lease mid-step stops writing, and leaves the step. */
final class LeaderCheck {

    /** This replica does not lead any more: the rest of the step is left to the new leader. */
    static final class Lost extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        Lost() {
            super("not the leader any more; leaving the rest of this step to the new leader");
        }
    }

    private final BooleanSupplier leader;

    LeaderCheck(BooleanSupplier leader) {
        this.leader = leader;
    }

    boolean leads() {
        return leader.getAsBoolean();
    }

    void ensure() {
        if (!leader.getAsBoolean()) {
            throw new Lost();
        }
    }
}
