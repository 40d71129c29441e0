package dev.ndjsonparquet.tools.soak;

import java.util.EnumSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which calls fail, and how: a pure function of the seed and the call (its server, operation, caller and how many
 * such calls that caller made before), so that the order in which concurrent components happen to call does not
 * change any call's fate; one random source per call. Pure apart from the occurrence counters.
 */
public final class FaultSchedule {

    /** What happens to one call: a fault (or none) and whether it is answered with an error or a reset connection. */
    public record Decision(Fault fault, boolean reset) {
        static final Decision NONE = new Decision(null, false);
    }

    private final long seed;
    private final double rate;
    private final Set<Fault> kinds;
    private final Set<String> exempt;
    private final ConcurrentHashMap<String, AtomicLong> occurrences = new ConcurrentHashMap<>();

    /**
     * @param rate   the probability of a fault on each call
     * @param kinds  the faults drawn from (evenly)
     * @param exempt callers whose calls are never faulted
     */
    public FaultSchedule(long seed, double rate, Set<Fault> kinds, Set<String> exempt) {
        this.seed = seed;
        this.rate = kinds.isEmpty() ? 0 : rate;
        this.kinds = kinds.isEmpty() ? EnumSet.noneOf(Fault.class) : EnumSet.copyOf(kinds);
        this.exempt = Set.copyOf(exempt);
    }

    public Decision decide(Call call) {
        if (rate <= 0 || exempt.contains(call.caller())) {
            return Decision.NONE;
        }
        String key = call.server() + '|' + call.operation() + '|' + call.caller();
        long n = occurrences.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
        SplittableRandom r = new SplittableRandom(mix(seed, key.hashCode(), n));
        if (r.nextDouble() >= rate) {
            return Decision.NONE;
        }
        Fault[] choices = kinds.toArray(new Fault[0]);
        return new Decision(choices[r.nextInt(choices.length)], r.nextBoolean());
    }

    static long mix(long seed, long a, long b) {
        long h = seed ^ 0x9E3779B97F4A7C15L;
        h = (h ^ a) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 31) ^ b) * 0x94D049BB133111EBL;
        return h ^ (h >>> 29);
    }
}
