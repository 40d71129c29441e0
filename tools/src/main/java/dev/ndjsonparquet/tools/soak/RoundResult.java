package dev.ndjsonparquet.tools.soak;

import java.util.List;
import java.util.Map;

/**
 * What one round produced and what its check found.
 *
 * @param outcomes        file versions by outcome (converted; quarantined by the builder or the driver, with the reason;
 *                        dead-lettered, with the reason)
 * @param problems        every broken guarantee, in words; empty when the round passed
 */
public record RoundResult(int round, long seed, int files, int versions, long goodLines, long badLines, long rows,
                          long badRecords, long lost, long duplicated, long unexpected, long badRecordsLost,
                          long badRecordsDuplicated, long leftoverRows, Map<String, Long> outcomes, long manifests,
                          long applications, long sparkRuns, List<String> problems) {
}
