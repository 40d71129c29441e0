package dev.ndjsonparquet.tables;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which files under a table's data location are orphans of dead runs (pure). A run writes into its own
 * {@code run=<uuid>/} directory and commits its files at the end, so until then none of them is referenced: a file
 * no snapshot references is removed only when the newest file of its run directory is older than the safe age (the
 * longest an attempt may live, plus a margin). A running or young attempt therefore keeps every file, however old
 * its first one; a committed run's leftovers (files it did not commit) go once the run is old. Files outside a run
 * directory are judged by their own directory in the same way.
 */
public final class OrphanRuns {

    private OrphanRuns() {
    }

    /** One listed file: its location, size and when it was written. */
    public record Listed(String location, long size, Instant writtenAt) {
    }

    /**
     * @param remove        the files to delete
     * @param runsRemoved   run directories left without a file
     * @param runsKeptYoung run directories with unreferenced files kept because the run may still be alive
     */
    public record Decision(List<Listed> remove, int runsRemoved, int runsKeptYoung) {
        public long bytes() {
            return remove.stream().mapToLong(Listed::size).sum();
        }
    }

    public static Decision decide(List<Listed> listed, Set<String> referenced, Instant now, Duration safeAge) {
        Instant cutoff = now.minus(safeAge);
        Map<String, List<Listed>> groups = new HashMap<>();
        for (Listed f : listed) {
            groups.computeIfAbsent(group(f.location()), k -> new ArrayList<>()).add(f);
        }
        List<Listed> remove = new ArrayList<>();
        int runsRemoved = 0;
        int keptYoung = 0;
        for (String g : new TreeSet<>(groups.keySet())) {
            List<Listed> files = groups.get(g);
            List<Listed> orphans = files.stream().filter(f -> !referenced.contains(Locations.normalize(f.location()))).toList();
            if (orphans.isEmpty()) {
                continue;
            }
            Instant newest = files.stream().map(Listed::writtenAt).max(Instant::compareTo).orElseThrow();
            if (!newest.isBefore(cutoff)) {
                keptYoung++;
                continue;
            }
            remove.addAll(orphans);
            if (orphans.size() == files.size()) {
                runsRemoved++;
            }
        }
        return new Decision(List.copyOf(remove), runsRemoved, keptYoung);
    }

    /** The run directory a file belongs to ({@code .../run=<uuid>}), else its own directory. */
    static String group(String location) {
        String n = Locations.normalize(location);
        int run = n.lastIndexOf("/run=");
        if (run >= 0) {
            int end = n.indexOf('/', run + 1);
            return end < 0 ? n : n.substring(0, end);
        }
        int slash = n.lastIndexOf('/');
        return slash < 0 ? "" : n.substring(0, slash);
    }
}
