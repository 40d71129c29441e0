package dev.ndjsonparquet.maintenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SnapshotExpiryTest {

    private static final SnapshotExpiry.RetryBounds DEFAULTS = new SnapshotExpiry.RetryBounds(Duration.ofDays(4),
            Duration.ofDays(14), 3, Duration.ofSeconds(60), Duration.ofHours(1), Duration.ofHours(2));
    private static final Instant NOW = Instant.parse("2026-12-07T00:00:00Z");

    @Test
    void theMinimumCoversQueuesAttemptsBackoffAndMargin() {
        // 4 d + 14 d + (60 s + 120 s) + 3 x 2 h + 1 d
        assertEquals(Duration.ofDays(19).plusHours(6).plusSeconds(180), DEFAULTS.minimumRetention());
    }

    @Test
    void orphanFilesWaitForTheLongestRunAndAMarginAndAShorterAgeIsRefused() {
        assertEquals(Duration.ofHours(26), DEFAULTS.minimumOrphanAge());
        assertEquals(Duration.ofHours(26), DEFAULTS.orphanAge(null));
        assertEquals(Duration.ofDays(3), DEFAULTS.orphanAge(Duration.ofDays(3)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DEFAULTS.orphanAge(Duration.ofHours(3)));
        assertTrue(e.getMessage().contains("undercuts"), e.getMessage());
    }

    @Test
    void aShorterRetentionIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SnapshotExpiry.plan(NOW, DEFAULTS, Duration.ofDays(7), List.of(), m -> true));
        assertTrue(e.getMessage().contains("undercuts"), e.getMessage());
    }

    @Test
    void aManifestWithoutItsResultRecordKeepsItsSnapshotHoweverOld() {
        List<SnapshotExpiry.SnapshotInfo> history = List.of(
                new SnapshotExpiry.SnapshotInfo(1, NOW.minus(Duration.ofDays(60)), "m-old-done"),
                new SnapshotExpiry.SnapshotInfo(2, NOW.minus(Duration.ofDays(50)), "m-no-result"),
                new SnapshotExpiry.SnapshotInfo(3, NOW.minus(Duration.ofDays(40)), "m-done"),
                new SnapshotExpiry.SnapshotInfo(4, NOW.minus(Duration.ofDays(1)), "m-new"));
        SnapshotExpiry.Plan p = SnapshotExpiry.plan(NOW, DEFAULTS, Duration.ofDays(30), history,
                m -> !m.equals("m-no-result"));
        assertEquals(NOW.minus(Duration.ofDays(50)), p.expireOlderThan());
        assertEquals(List.of("m-no-result"), p.keptForMissingResults());
        SnapshotExpiry.Plan all = SnapshotExpiry.plan(NOW, DEFAULTS, null, history, m -> Set.of("m-old-done",
                "m-no-result", "m-done", "m-new").contains(m));
        assertEquals(NOW.minus(DEFAULTS.minimumRetention()), all.expireOlderThan());
    }
}
