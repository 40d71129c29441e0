package dev.ndjsonparquet.controller.dispatch;

import dev.ndjsonparquet.capacity.CapacityType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One attempt's use of capacity, from its pods' own timestamps rather than from when the dispatcher happened to look:
 * how long it waited for nodes (the time in which any of its driver and executor pods existed without a node: from
 * each pod's creation to its binding, PodScheduled True) and how many executor-seconds its executors held nodes of each
 * {@link CapacityType} (from binding to the end of its containers). A dispatcher that restarts reads the same facts
 * from the pods again, so what it has not seen itself is not lost while the pods exist; an executor pod that went
 * away (Spark deletes executors at the end, and a lost executor's pod) counts to the last time it was seen, or, when
 * the attempt has finished, to the attempt's end. Pure: the caller lists the pods and passes the time.
 */
public final class CapacityLedger {

    /** The figures of an attempt. */
    public record Figures(Duration waited, Map<CapacityType, Double> executorSeconds) {
        public double executorSeconds(CapacityType type) {
            return executorSeconds.getOrDefault(type, 0.0);
        }
    }

    private record Seen(CapacityWait.PodView pod, Instant lastSeen, Instant goneAt) {
    }

    private final Map<String, Seen> pods = new LinkedHashMap<>();
    private boolean recorded;

    /** The attempt's pods listed now (the caller leaves out other attempts' pods). */
    public void observe(List<CapacityWait.PodView> present, Instant now) {
        see(present, now, null);
    }

    /**
     * The attempt has ended at {@code end} (its operator's termination time, or now): the pods listed now are read once
     * more, and those seen at the last look and gone now ran until the end.
     */
    public void finish(List<CapacityWait.PodView> present, Instant end) {
        see(present, end, end);
    }

    private void see(List<CapacityWait.PodView> present, Instant now, Instant end) {
        Set<String> names = new HashSet<>();
        for (CapacityWait.PodView p : present) {
            names.add(p.name());
            Seen before = pods.get(p.name());
            CapacityWait.PodView merged = before != null && p.capacityType() == CapacityType.UNKNOWN
                    ? p.on(before.pod().capacityType()) : p; // a node that can no longer be read keeps the type it had
            pods.put(p.name(), new Seen(merged, now, null));
        }
        for (Map.Entry<String, Seen> e : pods.entrySet()) {
            Seen s = e.getValue();
            if (!names.contains(e.getKey()) && s.goneAt() == null) {
                Instant gone = end == null || end.isBefore(s.lastSeen()) ? s.lastSeen() : end;
                e.setValue(new Seen(s.pod(), s.lastSeen(), gone));
            }
        }
    }

    /** The figures as of {@code now} (pods still there and not ended count up to it). */
    public Figures figures(Instant now) {
        List<Instant[]> waits = new ArrayList<>();
        Map<CapacityType, Double> seconds = new EnumMap<>(CapacityType.class);
        for (CapacityType t : CapacityType.values()) {
            seconds.put(t, 0.0);
        }
        for (Seen s : pods.values()) {
            CapacityWait.PodView p = s.pod();
            Instant end = p.endedAt() != null ? p.endedAt() : s.goneAt() != null ? s.goneAt() : now;
            if (p.createdAt() != null) {
                Instant bound = p.scheduledAt() != null ? p.scheduledAt() : end;
                if (bound.isAfter(p.createdAt())) {
                    waits.add(new Instant[] {p.createdAt(), bound});
                }
            }
            if (p.executor() && p.scheduledAt() != null && end.isAfter(p.scheduledAt())) {
                seconds.merge(p.capacityType(), Duration.between(p.scheduledAt(), end).toMillis() / 1000.0, Double::sum);
            }
        }
        return new Figures(union(waits), seconds);
    }

    /** The length of the union of the intervals (the time in which at least one pod waited). */
    static Duration union(List<Instant[]> intervals) {
        intervals.sort(Comparator.comparing((Instant[] i) -> i[0]));
        Duration total = Duration.ZERO;
        Instant from = null;
        Instant to = null;
        for (Instant[] i : intervals) {
            if (to == null || i[0].isAfter(to)) {
                if (to != null) {
                    total = total.plus(Duration.between(from, to));
                }
                from = i[0];
                to = i[1];
            } else if (i[1].isAfter(to)) {
                to = i[1];
            }
        }
        return to == null ? total : total.plus(Duration.between(from, to));
    }

    /** True the first time only: an attempt's figures go to the metrics once. */
    public boolean markRecorded() {
        boolean first = !recorded;
        recorded = true;
        return first;
    }
}
