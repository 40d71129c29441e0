package dev.ndjsonparquet.controller.maintain;

import dev.ndjsonparquet.tables.OrphanFiles;
import dev.ndjsonparquet.tables.SmallFileCompaction;
import dev.ndjsonparquet.tables.TableMaintenance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What {@code maintain} prints for a table: what it did, in counts (pure). */
public final class MaintainReport {

    private MaintainReport() {
    }

    public static String describe(TableMaintainer.Report r, MaintainSettings s) {
        if (!r.exists()) {
            return r.table() + ": does not exist yet, nothing to do";
        }
        List<String> parts = new ArrayList<>();
        parts.add("metadata clean-up " + (r.metadataSet() ? "switched on" : "already on") + " (previous-versions-max "
                + s.previousVersionsMax() + ")");
        SmallFileCompaction c = r.compaction();
        if (c != null) {
            parts.add(c.rewritten() == 0 ? "small files: " + c.smallFiles() + ", none to compact"
                    : "small files: " + c.rewritten() + " compacted into " + c.written() + " (" + c.rows() + " rows)");
        }
        TableMaintenance m = r.snapshots();
        parts.add("snapshots: " + m.expired() + " expired (before " + m.expireOlderThan() + ", retention "
                + human(s.snapshotRetention() == null ? s.bounds().minimumRetention() : s.snapshotRetention())
                + (s.snapshotRetention() == null ? " computed" : "") + ")"
                + (m.keptForMissingResults().isEmpty() ? "" : ", " + m.keptForMissingResults().size()
                + " kept for manifests without a result record: " + String.join(", ", m.keptForMissingResults())));
        parts.add("manifests: " + m.manifestsBefore() + " -> " + m.manifestsAfter());
        OrphanFiles o = r.orphans();
        if (o == null) {
            parts.add("orphan files: not removed (remove-orphan-files=false)");
        } else {
            parts.add("orphan files: " + o.removed() + " removed (" + bytes(o.bytesRemoved()) + ", " + o.runsRemoved()
                    + " dead run directories) of " + o.listed() + " listed, " + o.runsKeptYoung()
                    + " run directories kept (newest file younger than " + human(s.orphanAge()) + ")");
        }
        return r.table() + ": " + String.join("; ", parts);
    }

    static String human(Duration d) {
        long h = d.toHours();
        long m = d.toMinutesPart();
        return (h >= 24 ? h / 24 + "d " + h % 24 + "h" : h + "h") + (m > 0 ? " " + m + "m" : "");
    }

    static String bytes(long b) {
        return b < 1024 ? b + " B" : b < 1 << 20 ? String.format(Locale.ROOT, "%.1f KiB", b / 1024.0)
                : String.format(Locale.ROOT, "%.1f MiB", b / 1048576.0);
    }
}
