package dev.ndjsonparquet.tools.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds the files of an input directory to announce, as S3 would announce new objects: each file once,
 * and only once it is complete. A file is complete when its size and modification time did not change
 * between two scans (the first scan takes the files already there as complete). Hidden files, temporary
 * names ({@code .tmp}, {@code .part}, {@code ~}) and anything under {@code exclude} are skipped.
 */
public final class InputScanner {

    private record Seen(long size, long mtime) {
    }

    private final Path dir;
    private final Path exclude;
    private final Set<Path> announced = new HashSet<>();
    private final Map<Path, Seen> pending = new HashMap<>();

    public InputScanner(Path dir, Path exclude) {
        this.dir = dir;
        this.exclude = exclude;
    }

    /** Every file there now (the start of a run). */
    public List<Path> initial() {
        List<Path> out = new ArrayList<>();
        for (var e : scan().entrySet()) {
            announced.add(e.getKey());
            out.add(e.getKey());
        }
        out.sort(null);
        return out;
    }

    /** Files that appeared since and stayed unchanged for one scan. */
    public List<Path> next() {
        List<Path> out = new ArrayList<>();
        Map<Path, Seen> now = scan();
        for (var e : now.entrySet()) {
            if (announced.contains(e.getKey())) {
                continue;
            }
            Seen before = pending.put(e.getKey(), e.getValue());
            if (e.getValue().equals(before)) {
                pending.remove(e.getKey());
                announced.add(e.getKey());
                out.add(e.getKey());
            }
        }
        pending.keySet().retainAll(now.keySet());
        out.sort(null);
        return out;
    }

    private Map<Path, Seen> scan() {
        Map<Path, Seen> out = new HashMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(p -> exclude == null || !p.startsWith(exclude))
                    .filter(p -> !skipped(dir.relativize(p)))
                    .forEach(p -> {
                        try {
                            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                            if (a.isRegularFile()) {
                                out.put(p, new Seen(a.size(), a.lastModifiedTime().toMillis()));
                            }
                        } catch (IOException e) {
                            // gone between listing and reading: the next scan decides
                        }
                    });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return out;
    }

    private static boolean skipped(Path relative) {
        for (Path part : relative) {
            String n = part.toString();
            if (n.startsWith(".") || n.endsWith(".tmp") || n.endsWith(".part") || n.endsWith("~")) {
                return true;
            }
        }
        return false;
    }
}
