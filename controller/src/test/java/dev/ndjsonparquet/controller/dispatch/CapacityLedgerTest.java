package dev.ndjsonparquet.controller.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.capacity.CapacityType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An attempt's wait for nodes and executor-seconds by capacity type, from its pods' timestamps, against figures by hand. */
class CapacityLedgerTest {

    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

    private static Instant at(int seconds) {
        return T0.plusSeconds(seconds);
    }

    private static CapacityWait.PodView pod(String name, String role, int created, Integer scheduled, Integer ended, CapacityType type) {
        return new CapacityWait.PodView(name, role, "np-m", scheduled == null, at(created), scheduled == null ? null : at(scheduled),
                ended == null ? null : at(ended), scheduled == null ? null : "node-" + name, type);
    }

    @Test
    void aDriverThatWaitedThenExecutorsThatWaitedAndRanOnDemand() {
        CapacityLedger ledger = new CapacityLedger();
        // The driver waits 40 s for a node (created at 0, bound at 40).
        ledger.observe(List.of(pod("d", "driver", 0, null, null, CapacityType.UNKNOWN)), at(20));
        ledger.observe(List.of(pod("d", "driver", 0, 40, null, CapacityType.UNKNOWN)), at(45));
        // Its two executors are created at 50 and 51 and wait until 110 (spot is short; on-demand nodes come).
        ledger.observe(List.of(pod("d", "driver", 0, 40, null, CapacityType.UNKNOWN),
                pod("e1", "executor", 50, null, null, CapacityType.UNKNOWN), pod("e2", "executor", 51, null, null, CapacityType.UNKNOWN)), at(80));
        ledger.observe(List.of(pod("d", "driver", 0, 40, null, CapacityType.UNKNOWN),
                pod("e1", "executor", 50, 110, null, CapacityType.ON_DEMAND), pod("e2", "executor", 51, 110, null, CapacityType.ON_DEMAND)), at(200));
        // A third executor on spot from 120, lost at 150 (its pod gone at the next look, at 260: it counts to 200, when last seen).
        ledger.observe(List.of(pod("d", "driver", 0, 40, null, CapacityType.UNKNOWN), pod("e1", "executor", 50, 110, null, CapacityType.ON_DEMAND),
                pod("e2", "executor", 51, 110, null, CapacityType.ON_DEMAND), pod("e3", "executor", 120, 120, null, CapacityType.SPOT)), at(200));
        ledger.observe(List.of(pod("d", "driver", 0, 40, null, CapacityType.UNKNOWN), pod("e1", "executor", 50, 110, null, CapacityType.ON_DEMAND),
                pod("e2", "executor", 51, 110, 300, CapacityType.ON_DEMAND)), at(260));
        // The application ends at 310: e2's container ended at 300 (its pod still there), e1 was deleted with the end.
        ledger.finish(List.of(pod("d", "driver", 0, 40, 310, CapacityType.UNKNOWN), pod("e2", "executor", 51, 110, 300, CapacityType.ON_DEMAND)),
                at(310));

        CapacityLedger.Figures f = ledger.figures(at(400));
        // Waits: [0, 40] and [50, 110] (the executors' waits overlap): 40 + 60.
        assertEquals(Duration.ofSeconds(100), f.waited());
        // On-demand: e1 110..310 (deleted with the end) = 200, e2 110..300 = 190; spot: e3 120..200 = 80. The driver is not counted.
        assertEquals(Map.of(CapacityType.ON_DEMAND, 390.0, CapacityType.SPOT, 80.0, CapacityType.UNKNOWN, 0.0), f.executorSeconds());
    }

    @Test
    void aDispatcherRestartedMidRunReadsTheWaitFromThePods() {
        // A new ledger (a new dispatcher) first looks after the executors were bound: the wait is still there in their times.
        CapacityLedger ledger = new CapacityLedger();
        ledger.observe(List.of(pod("d", "driver", 0, 1, null, CapacityType.UNKNOWN), pod("e1", "executor", 5, 95, null, CapacityType.SPOT)), at(100));
        CapacityLedger.Figures f = ledger.figures(at(100));
        assertEquals(Duration.ofSeconds(91), f.waited(), "1 s for the driver, 90 s for the executor");
        assertEquals(5.0, f.executorSeconds(CapacityType.SPOT), "95..100 so far");
    }

    @Test
    void aNodeThatCanNoLongerBeReadKeepsTheTypeItHad() {
        CapacityLedger ledger = new CapacityLedger();
        ledger.observe(List.of(pod("e1", "executor", 0, 0, null, CapacityType.ON_DEMAND)), at(10));
        ledger.finish(List.of(pod("e1", "executor", 0, 0, 30, CapacityType.UNKNOWN)), at(30));
        assertEquals(30.0, ledger.figures(at(30)).executorSeconds(CapacityType.ON_DEMAND));
        assertTrue(ledger.markRecorded());
        assertTrue(!ledger.markRecorded(), "recorded once");
    }

    @Test
    void nodeLabelsOfKarpenterAndManagedNodeGroups() {
        assertEquals(CapacityType.SPOT, CapacityType.of(Map.of("karpenter.sh/capacity-type", "spot")));
        assertEquals(CapacityType.ON_DEMAND, CapacityType.of(Map.of("karpenter.sh/capacity-type", "on-demand")));
        assertEquals(CapacityType.ON_DEMAND, CapacityType.of(Map.of("karpenter.sh/capacity-type", "reserved")));
        assertEquals(CapacityType.SPOT, CapacityType.of(Map.of("eks.amazonaws.com/capacityType", "SPOT")));
        assertEquals(CapacityType.ON_DEMAND, CapacityType.of(Map.of("eks.amazonaws.com/capacityType", "ON_DEMAND")));
        assertEquals(CapacityType.ON_DEMAND, CapacityType.of(Map.of("eks.amazonaws.com/capacityType", "CAPACITY_BLOCK")));
        assertEquals(CapacityType.UNKNOWN, CapacityType.of(Map.of("kubernetes.io/os", "linux")));
        assertEquals(CapacityType.UNKNOWN, CapacityType.of(null));
    }
}
