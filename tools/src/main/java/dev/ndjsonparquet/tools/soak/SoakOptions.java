package dev.ndjsonparquet.tools.soak;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a soak may do, each part by a name {@code --without} accepts: the faults injected on calls, the kinds of input
 * generated, and the chaos around them. Everything is on unless named. Pure.
 */
public final class SoakOptions {

    /** What happens around the calls. */
    public enum Chaos {
        /** Builder and dispatcher replicas killed inside calls that change something. */
        KILLS,
        /** A second builder or dispatcher replica for a while: two candidates for one Lease. */
        SECOND_REPLICAS,
        /** Lost, stuck and zombie drivers. */
        DRIVERS,
        /** Doomed manifests dead-lettered, then every dead letter redriven once. */
        REDRIVES,
        /** Objects overwritten after they were announced. */
        OVERWRITES,
        /** Some S3 events delivered twice (all of them shuffled). */
        DUPLICATE_EVENTS,
        /** A message on the manifest queue that is not a manifest message. */
        POISON
    }

    /** The parts left on after {@code --without}. */
    public record Parts(Set<Fault> faults, Set<SoakInputs.Kind> inputs, Set<Chaos> chaos) {
    }

    private SoakOptions() {
    }

    /** Every name {@code --without} accepts. */
    public static List<String> names() {
        List<String> out = new ArrayList<>();
        for (Enum<?> e : all()) {
            out.add(name(e));
        }
        return out;
    }

    /** The parts with the named ones taken out; an unknown name is refused, listing the known ones. */
    public static Parts without(List<String> names) {
        Set<Fault> faults = EnumSet.allOf(Fault.class);
        Set<SoakInputs.Kind> inputs = EnumSet.allOf(SoakInputs.Kind.class);
        Set<Chaos> chaos = EnumSet.allOf(Chaos.class);
        List<String> unknown = new ArrayList<>();
        for (String raw : names) {
            String n = raw.trim().toLowerCase(Locale.ROOT);
            if (n.isEmpty()) {
                continue;
            }
            Enum<?> match = all().stream().filter(e -> name(e).equals(n)).findFirst().orElse(null);
            if (match instanceof Fault f) {
                faults.remove(f);
            } else if (match instanceof SoakInputs.Kind k) {
                inputs.remove(k);
            } else if (match instanceof Chaos c) {
                chaos.remove(c);
            } else {
                unknown.add(raw);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("--without: unknown " + unknown + "; known: " + String.join(", ", names()));
        }
        return new Parts(faults, inputs, chaos);
    }

    static String name(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static List<Enum<?>> all() {
        List<Enum<?>> out = new ArrayList<>(List.of(Fault.values()));
        out.addAll(List.of(SoakInputs.Kind.values()));
        out.addAll(List.of(Chaos.values()));
        return out;
    }
}
