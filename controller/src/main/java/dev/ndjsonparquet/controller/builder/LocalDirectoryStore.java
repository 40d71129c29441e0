package dev.ndjsonparquet.controller.builder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Local directories standing in for buckets: bucket {@code b} is the directory {@code root/b}, key
 * {@code k} the file {@code root/b/k}. Put-if-absent writes a temporary file and hard-links it into place,
 * which fails atomically when the name exists, so readers never see a partial object. The ETag is derived
 * from size and modification time (no content hashing of multi-GB files).
 */
public final class LocalDirectoryStore implements ObjectStore {

    private static final String TEMP_SUFFIX = ".part-";
    private final Path root;

    public LocalDirectoryStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    Path path(StoreUri at) {
        Path p = root.resolve(at.bucket()).resolve(at.key()).normalize();
        if (!p.startsWith(root.resolve(at.bucket()))) {
            throw new IllegalArgumentException("key escapes its bucket: " + at);
        }
        return p;
    }

    @Override
    public boolean putIfAbsent(StoreUri at, byte[] content) {
        Path target = path(at);
        Path temp = writeTemp(target, content);
        try {
            Files.createLink(target, temp);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + target, e);
        } finally {
            deleteQuietly(temp);
        }
    }

    @Override
    public void put(StoreUri at, byte[] content) {
        Path target = path(at);
        Path temp = writeTemp(target, content);
        try {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(temp);
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    @Override
    public Optional<byte[]> get(StoreUri at) {
        try {
            return Optional.of(Files.readAllBytes(path(at)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + at, e);
        }
    }

    /** Compare-and-replace under one lock per process: the local runner is a single process. */
    @Override
    public Optional<String> replaceIfMatch(StoreUri at, byte[] content, String etag) {
        synchronized (LocalDirectoryStore.class) {
            Optional<ObjectInfo> h = head(at);
            if (h.isEmpty() || !h.get().etag().equals(etag)) {
                return Optional.empty();
            }
            Path target = path(at);
            Path temp = writeTemp(target, content);
            try {
                // The ETag is size and modification time: make sure a replacement never keeps the old one.
                long old = Files.getLastModifiedTime(target).toMillis();
                Files.setLastModifiedTime(temp, java.nio.file.attribute.FileTime.fromMillis(
                        Math.max(System.currentTimeMillis(), old + 1)));
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                deleteQuietly(temp);
                throw new UncheckedIOException("cannot write " + target, e);
            }
            return head(at).map(ObjectInfo::etag);
        }
    }

    @Override
    public Optional<ObjectInfo> head(StoreUri at) {
        Path p = path(at);
        try {
            return Optional.of(info(at, Files.readAttributes(p, BasicFileAttributes.class)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stat " + at, e);
        }
    }

    @Override
    public Iterable<ObjectInfo> list(StoreUri prefix) {
        Path bucket = root.resolve(prefix.bucket());
        if (!Files.isDirectory(bucket)) {
            return List.of();
        }
        List<ObjectInfo> out = new ArrayList<>();
        // Walk only the directory the prefix names (up to its last '/'), not the whole bucket: the ledger
        // lists one batch's members per batch, in a bucket holding every claim.
        String dirPart = prefix.key().contains("/") ? prefix.key().substring(0, prefix.key().lastIndexOf('/')) : "";
        Path start = dirPart.isEmpty() ? bucket : bucket.resolve(dirPart).normalize();
        if (!start.startsWith(bucket) || !Files.isDirectory(start)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(start)) {
            files.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().contains(TEMP_SUFFIX))
                    .map(p -> bucket.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/"))
                    .filter(key -> key.startsWith(prefix.key()))
                    .sorted(Comparator.naturalOrder())
                    .forEach(key -> head(new StoreUri(prefix.bucket(), key)).ifPresent(out::add));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + prefix, e);
        }
        return out;
    }

    @Override
    public void copy(StoreUri from, StoreUri to) {
        Path target = path(to);
        try {
            Files.createDirectories(target.getParent());
            Path temp = target.resolveSibling(target.getFileName() + TEMP_SUFFIX + UUID.randomUUID());
            Files.copy(path(from), temp);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + from + " to " + to, e);
        }
    }

    @Override
    public void delete(StoreUri at) {
        try {
            Files.deleteIfExists(path(at));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + at, e);
        }
    }

    @Override
    public String fileUri(StoreUri at) {
        return path(at).toUri().toString();
    }

    private static ObjectInfo info(StoreUri at, BasicFileAttributes a) {
        long mtime = a.lastModifiedTime().toMillis();
        return new ObjectInfo(at, a.size(), Long.toHexString(a.size()) + "-" + Long.toHexString(mtime),
                a.lastModifiedTime().toInstant());
    }

    private static Path writeTemp(Path target, byte[] content) {
        try {
            Files.createDirectories(target.getParent());
            Path temp = target.resolveSibling(target.getFileName() + TEMP_SUFFIX + UUID.randomUUID());
            Files.write(temp, content);
            return temp;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write next to " + target, e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover temporary file is skipped by list()
        }
    }
}
