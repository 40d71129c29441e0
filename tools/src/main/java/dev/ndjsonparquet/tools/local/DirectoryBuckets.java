package dev.ndjsonparquet.tools.local;

import dev.ndjsonparquet.controller.builder.LocalDirectoryStore;
import dev.ndjsonparquet.controller.builder.ObjectStore;
import dev.ndjsonparquet.controller.builder.StoreUri;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Named buckets that are arbitrary directories ({@code run}: the user's input directory and the pipeline's
 * state directory), each served by a {@link LocalDirectoryStore} rooted at the directory's parent, so object
 * URIs are the files' real paths and a listing walks only its own bucket. Objects of unknown buckets do not
 * exist.
 */
public final class DirectoryBuckets implements ObjectStore {

    private record Bucket(LocalDirectoryStore store, String name, Path dir) {
        StoreUri inner(StoreUri at) {
            return new StoreUri(name, at.key());
        }

        StoreUri outer(StoreUri inner, String bucket) {
            return new StoreUri(bucket, inner.key());
        }
    }

    private final Map<String, Bucket> buckets;

    /** @param dirs bucket name to directory */
    public DirectoryBuckets(Map<String, Path> dirs) {
        this.buckets = dirs.entrySet().stream().collect(java.util.stream.Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> {
            Path dir = e.getValue().toAbsolutePath().normalize();
            if (dir.getParent() == null || dir.getFileName() == null) {
                throw new IllegalArgumentException("a bucket cannot be the file system root: " + dir);
            }
            return new Bucket(new LocalDirectoryStore(dir.getParent()), dir.getFileName().toString(), dir);
        }));
    }

    private Bucket bucket(StoreUri at) {
        Bucket b = buckets.get(at.bucket());
        if (b == null) {
            throw new IllegalArgumentException("no local directory for bucket " + at.bucket());
        }
        return b;
    }

    @Override
    public boolean putIfAbsent(StoreUri at, byte[] content) {
        Bucket b = bucket(at);
        return b.store().putIfAbsent(b.inner(at), content);
    }

    @Override
    public Optional<String> replaceIfMatch(StoreUri at, byte[] content, String etag) {
        Bucket b = bucket(at);
        return b.store().replaceIfMatch(b.inner(at), content, etag);
    }

    @Override
    public Optional<Versioned> read(StoreUri at) {
        Bucket b = bucket(at);
        return b.store().read(b.inner(at));
    }

    @Override
    public void put(StoreUri at, byte[] content) {
        Bucket b = bucket(at);
        b.store().put(b.inner(at), content);
    }

    @Override
    public Optional<byte[]> get(StoreUri at) {
        Bucket b = buckets.get(at.bucket());
        return b == null ? Optional.empty() : b.store().get(b.inner(at));
    }

    @Override
    public Optional<ObjectInfo> head(StoreUri at) {
        Bucket b = buckets.get(at.bucket());
        return b == null ? Optional.empty()
                : b.store().head(b.inner(at)).map(i -> new ObjectInfo(at, i.size(), i.etag(), i.lastModified()));
    }

    @Override
    public Iterable<ObjectInfo> list(StoreUri prefix) {
        Bucket b = buckets.get(prefix.bucket());
        if (b == null) {
            return java.util.List.of();
        }
        java.util.List<ObjectInfo> out = new java.util.ArrayList<>();
        for (ObjectInfo i : b.store().list(b.inner(prefix))) {
            out.add(new ObjectInfo(b.outer(i.location(), prefix.bucket()), i.size(), i.etag(), i.lastModified()));
        }
        return out;
    }

    @Override
    public void copy(StoreUri from, StoreUri to) {
        Bucket source = bucket(from);
        Bucket target = bucket(to);
        Path src = file(source, from);
        Path dst = file(target, to);
        try {
            Files.createDirectories(dst.getParent());
            Path temp = dst.resolveSibling(dst.getFileName() + ".part-" + UUID.randomUUID());
            Files.copy(src, temp);
            Files.move(temp, dst, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + from + " to " + to, e);
        }
    }

    @Override
    public void delete(StoreUri at) {
        Bucket b = bucket(at);
        b.store().delete(b.inner(at));
    }

    @Override
    public String fileUri(StoreUri at) {
        Bucket b = bucket(at);
        return b.store().fileUri(b.inner(at));
    }

    /** The file of an object, checked to stay inside its bucket's directory. */
    public Path file(StoreUri at) {
        return file(bucket(at), at);
    }

    private static Path file(Bucket b, StoreUri at) {
        Path p = b.dir().resolve(at.key()).normalize();
        if (!p.startsWith(b.dir())) {
            throw new IllegalArgumentException("key escapes its bucket: " + at);
        }
        return p;
    }
}
