package dev.ndjsonparquet.tools.soak;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** What the proxies and the chaos schedule did, counted for the report. Thread-safe. */
public final class SoakCounts {

    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> faultsByKind = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> faultsByCall = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> events = new ConcurrentHashMap<>();

    void call(Call c) {
        add(calls, c.server());
    }

    void fault(Call c, Fault f, boolean reset) {
        add(faultsByKind, f.description() + (reset ? " (connection reset)" : " (error answer)"));
        add(faultsByCall, c.name());
    }

    /** Anything else worth a line: kills, replicas, redrives, overwrites. */
    public void event(String what) {
        add(events, what);
    }

    public void add(SoakCounts other) {
        merge(calls, other.calls);
        merge(faultsByKind, other.faultsByKind);
        merge(faultsByCall, other.faultsByCall);
        merge(events, other.events);
    }

    public Map<String, Long> calls() {
        return snapshot(calls);
    }

    public Map<String, Long> faultsByKind() {
        return snapshot(faultsByKind);
    }

    public Map<String, Long> faultsByCall() {
        return snapshot(faultsByCall);
    }

    public Map<String, Long> events() {
        return snapshot(events);
    }

    public long event(String what, long orElse) {
        LongAdder a = events.get(what);
        return a == null ? orElse : a.sum();
    }

    public long totalFaults() {
        return faultsByKind.values().stream().mapToLong(LongAdder::sum).sum();
    }

    private static void add(Map<String, LongAdder> m, String k) {
        m.computeIfAbsent(k, x -> new LongAdder()).increment();
    }

    private static void merge(Map<String, LongAdder> into, Map<String, LongAdder> from) {
        from.forEach((k, v) -> into.computeIfAbsent(k, x -> new LongAdder()).add(v.sum()));
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> m) {
        Map<String, Long> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
