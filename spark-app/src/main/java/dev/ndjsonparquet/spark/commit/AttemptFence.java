package dev.ndjsonparquet.spark.commit;

import dev.ndjsonparquet.spark.output.OutputLayout;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a stale driver from committing. A driver writes its marker under
 * {@code <output>/_attempts/<manifestId>/} when it starts, and before each step that makes something
 * visible or deletes something (starting over, a job commit, removing rows, the result record) it
 * checks that no newer attempt has written a marker and that no run has written the result record
 * (the job commits of the rows and of the bad records check it inside the commit, {@link FencedCommits}).
 * A driver that finds itself superseded stops with {@link SupersededAttemptException}: it commits,
 * deletes and records nothing more.
 */
public final class AttemptFence {

    private static final Logger LOG = LoggerFactory.getLogger(AttemptFence.class);

    private final FileSystem fs;
    private final Path dir;
    private final Path result;
    private final String manifestId;
    private final AttemptMarker own;
    private final Checkpoints checkpoints;

    private AttemptFence(FileSystem fs, Path dir, Path result, String manifestId, AttemptMarker own,
                         Checkpoints checkpoints) {
        this.fs = fs;
        this.dir = dir;
        this.result = result;
        this.manifestId = manifestId;
        this.own = own;
        this.checkpoints = checkpoints;
    }

    /** Writes this run's marker and checks that it is the current attempt. */
    public static AttemptFence begin(Configuration conf, OutputLayout layout, String manifestId, int attempt,
                                     Checkpoints checkpoints) throws IOException {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be 1 or more, was " + attempt);
        }
        Path dir = new Path(layout.attempts());
        FileSystem fs = dir.getFileSystem(conf);
        String runId = UUID.randomUUID().toString();
        Path marker = new Path(dir, new AttemptMarker(attempt, runId, 0).fileName());
        try (OutputStream out = fs.create(marker, true)) {
            out.write(("attempt " + attempt + " of " + manifestId + " started at " + Instant.now() + "\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        long created = fs.getFileStatus(marker).getModificationTime();
        AttemptFence fence = new AttemptFence(fs, dir, new Path(layout.result()), manifestId,
                new AttemptMarker(attempt, runId, created), checkpoints);
        fence.requireCurrent("starting over");
        LOG.info("attempt {} (run {}) of manifest {} is the current one", attempt, runId, manifestId);
        return fence;
    }

    public int attempt() {
        return own.attempt();
    }

    /** Tells the checkpoints where the run is, then checks that this attempt is still the current one. */
    public void check(Checkpoints.Point point) throws IOException {
        checkpoints.reached(point, own.attempt());
        requireCurrent(switch (point) {
            case PLANNED -> "converting";
            case DATA_COMMIT -> "committing its job";
            case CLEANUP -> "removing rows of quarantined files";
            case BAD_RECORDS -> "committing its bad records";
            case RESULT, TABLE_COMMITTED -> "writing the result record";
        });
    }

    /** Removes the markers once the result record is written (a late driver then sees the record). */
    public void finish() throws IOException {
        fs.delete(dir, true);
    }

    private void requireCurrent(String step) throws IOException {
        if (fs.exists(result)) {
            throw new SupersededAttemptException(describe() + ": another run already wrote the result record "
                    + result + "; not " + step);
        }
        Optional<AttemptMarker> newer = own.supersededBy(markers());
        if (newer.isPresent()) {
            throw new SupersededAttemptException(describe() + " is superseded by attempt " + newer.get().attempt()
                    + " (run " + newer.get().runId() + "); not " + step);
        }
    }

    private List<AttemptMarker> markers() throws IOException {
        FileStatus[] all;
        try {
            all = fs.listStatus(dir);
        } catch (FileNotFoundException e) {
            return List.of();
        }
        List<AttemptMarker> markers = new ArrayList<>();
        for (FileStatus st : all) {
            AttemptMarker.parse(st.getPath().getName(), st.getModificationTime()).ifPresent(markers::add);
        }
        return markers;
    }

    private String describe() {
        return "attempt " + own.attempt() + " (run " + own.runId() + ") of manifest " + manifestId;
    }
}
