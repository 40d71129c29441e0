package dev.ndjsonparquet.spark.commit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which of the drivers that started on a manifest is the current one. */
class AttemptMarkerTest {

    private static AttemptMarker marker(int attempt, String run, long created) {
        return new AttemptMarker(attempt, run, created);
    }

    @Test
    void aHigherAttemptSupersedesALowerOneWhateverTheirTimes() {
        AttemptMarker one = marker(1, "aaaa", 5_000);
        AttemptMarker two = marker(2, "bbbb", 1_000);
        List<AttemptMarker> all = List.of(one, two);
        assertEquals(Optional.of(two), one.supersededBy(all));
        assertEquals(Optional.empty(), two.supersededBy(all));
    }

    @Test
    void withOneAttemptNumberTheLaterStartedRunIsCurrentAndTiesAreBrokenAlikeForBoth() {
        AttemptMarker early = marker(1, "ffff", 1_000);
        AttemptMarker late = marker(1, "0000", 2_000);
        assertEquals(Optional.of(late), early.supersededBy(List.of(early, late)));
        assertEquals(Optional.empty(), late.supersededBy(List.of(early, late)));
        AttemptMarker x = marker(1, "aaaa", 3_000);
        AttemptMarker y = marker(1, "bbbb", 3_000);
        assertTrue(x.supersededBy(List.of(x, y)).isPresent() != y.supersededBy(List.of(x, y)).isPresent(),
                "exactly one of two runs started in the same instant is current");
    }

    @Test
    void markerNamesRoundTripAndOtherFilesAreIgnored() {
        AttemptMarker m = marker(12, "0f3c2b1a-9d8e-4c7b-a6f5-e4d3c2b1a098", 7);
        assertEquals("attempt-000012-0f3c2b1a-9d8e-4c7b-a6f5-e4d3c2b1a098", m.fileName());
        assertEquals(Optional.of(m), AttemptMarker.parse(m.fileName(), 7));
        assertEquals(Optional.empty(), AttemptMarker.parse(".attempt-000012-0f3c.crc", 7));
        assertEquals(Optional.empty(), AttemptMarker.parse("_SUCCESS", 7));
    }
}
