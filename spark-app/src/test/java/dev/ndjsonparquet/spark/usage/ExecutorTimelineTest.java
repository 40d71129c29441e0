package dev.ndjsonparquet.spark.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ndjsonparquet.spark.output.ConversionResult;
import org.junit.jupiter.api.Test;

/** The result record's capacity figures from executor events, against figures computed by hand. */
class ExecutorTimelineTest {

    private static final long T0 = 1_800_000_000_000L;

    private static long at(int seconds) {
        return T0 + seconds * 1000L;
    }

    @Test
    void executorsThatWaitedForNodesAndOneLostAndReplaced() {
        ExecutorTimeline t = new ExecutorTimeline(3, at(0));
        // Asked for 3 at 0; spot is short: two register at 95 (on-demand nodes came), the third at 130.
        t.added("1", at(95));
        t.added("2", at(95));
        t.added("3", at(130));
        // Executor 2 is lost at 400 (a spot interruption) and its replacement registers at 460.
        t.removed("2", at(400));
        t.added("4", at(460));
        // The record is written at 1000; the driver's own "executor" of local mode never counts.
        t.added("driver", at(0));
        ConversionResult.Capacity c = t.at(at(1000));
        assertEquals(3, c.executorsRequested());
        assertEquals(4, c.executorsRegistered());
        // Short of 3 executors: 0..130, then 400..460 = 190 s.
        assertEquals(190.0, c.executorWaitSeconds(), 1e-9);
        // 1: 95..1000 = 905; 2: 95..400 = 305; 3: 130..1000 = 870; 4: 460..1000 = 540.
        assertEquals(905 + 305 + 870 + 540, c.executorSeconds(), 1e-9);
    }

    @Test
    void withoutCapacityTypesTheRecordHasNoSplitAndWithThemTheSplitAddsUp() {
        ExecutorTimeline t = new ExecutorTimeline(2, at(0));
        t.added("1", at(5));
        t.added("2", at(15));
        assertEquals(new ConversionResult.Capacity(2, 2, 15, 95 + 85), t.at(at(100)));
        assertEquals(null, t.at(at(100)).executorSecondsByCapacityType(), "no Kubernetes: no split");
        // 1 on spot 5..100 = 95 s; 2 not known (no pod, no node): unknown 15..100 = 85 s.
        assertEquals(new ConversionResult.ByCapacityType(95, 0, 85),
                t.at(at(100), java.util.Map.of("1", dev.ndjsonparquet.capacity.CapacityType.SPOT)).executorSecondsByCapacityType());
    }

    @Test
    void theRecordCarriesTheSplitOnlyWhenTheNodesWereRead() throws Exception {
        ConversionResult base = new ConversionResult("m", java.time.Instant.EPOCH, java.time.Instant.EPOCH, 0, 0,
                java.util.List.of(), 0, 0, 0, 0, 0, 0, 0, 0, "declared", new ConversionResult.Durations(0, 0, 0, 0),
                "file:/out", null);
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var local = json.readTree(base.withCapacity(new ConversionResult.Capacity(0, 0, 0, 0)).toJson()).path("capacity");
        assertEquals("{\"executorsRequested\":0,\"executorsRegistered\":0,\"executorWaitSeconds\":0.0,\"executorSeconds\":0.0}",
                local.toString(), "local mode: no split");
        ConversionResult onK8s = base.withCapacity(new ConversionResult.Capacity(2, 2, 15, 180,
                new ConversionResult.ByCapacityType(95, 60, 25)));
        assertEquals("{\"spot\":95.0,\"onDemand\":60.0,\"unknown\":25.0}",
                json.readTree(onK8s.toJson()).path("capacity").path("executorSecondsByCapacityType").toString());
        assertEquals(onK8s.capacity(), ConversionResult.fromJson(onK8s.toJson()).capacity(), "read back");
    }

    @Test
    void noExecutorsAskedForNoWait() {
        ExecutorTimeline t = new ExecutorTimeline(0, at(0));
        t.added("driver", at(0));
        assertEquals(new ConversionResult.Capacity(0, 0, 0, 0), t.at(at(60)));
    }

    @Test
    void executorsStillMissingAtTheRecordWaitUntilIt() {
        ExecutorTimeline t = new ExecutorTimeline(2, at(0));
        t.added("1", at(10));
        t.removed("1", at(20));
        t.removed("1", at(25)); // a second removal changes nothing
        assertEquals(new ConversionResult.Capacity(2, 1, 30, 10), t.at(at(30)));
    }

    @Test
    void theListenerAddsItselfToOtherListeners() {
        String me = ExecutorListener.class.getName();
        assertEquals(me, ExecutorListener.register(""));
        assertEquals("a.B," + me, ExecutorListener.register("a.B"));
        assertEquals("a.B," + me, ExecutorListener.register("a.B," + me));
    }
}
