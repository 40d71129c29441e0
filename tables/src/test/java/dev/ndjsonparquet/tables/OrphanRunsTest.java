package dev.ndjsonparquet.tables;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OrphanRunsTest {

    private static final Instant NOW = Instant.parse("2026-12-07T00:00:00Z");
    private static final Instant OLD = NOW.minus(Duration.ofDays(5));

    @Test
    void aRunIsJudgedByItsNewestFile() {
        List<OrphanRuns.Listed> listed = List.of(
                new OrphanRuns.Listed("s3a://lake/t/data/manifest_id=a/run=1/p0.parquet", 10, OLD),
                new OrphanRuns.Listed("s3a://lake/t/data/manifest_id=a/run=1/p1.parquet", 10, NOW),
                new OrphanRuns.Listed("s3a://lake/t/data/manifest_id=a/run=2/p0.parquet", 7, OLD),
                new OrphanRuns.Listed("s3a://lake/t/data/manifest_id=b/run=3/p0.parquet", 5, OLD));
        // run=3's file is committed, recorded with s3:// by S3FileIO.
        OrphanRuns.Decision d = OrphanRuns.decide(listed, Set.of("s3://lake/t/data/manifest_id=b/run=3/p0.parquet"),
                NOW, Duration.ofDays(2));
        assertEquals(List.of(listed.get(2)), d.remove());
        assertEquals(1, d.runsRemoved());
        assertEquals(1, d.runsKeptYoung());
        assertEquals(7, d.bytes());
    }

    @Test
    void locationsCompareAcrossTheirForms() {
        assertEquals("s3://b/k/x", Locations.normalize("s3a://b/k//x"));
        assertEquals("/tmp/w/x", Locations.normalize("file:///tmp/w/x"));
        assertEquals("/tmp/w/x", Locations.normalize("file:/tmp/w/x"));
        assertEquals("/tmp/w/x", Locations.normalize("/tmp/w/x"));
        assertEquals("s3://b/k/manifest_id=a/run=1", OrphanRuns.group("s3a://b/k/manifest_id=a/run=1/p.parquet"));
        assertEquals("/w/compacted", OrphanRuns.group("file:/w/compacted/x.parquet"));
    }
}
