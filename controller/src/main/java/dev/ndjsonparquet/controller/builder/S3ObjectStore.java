package dev.ndjsonparquet.controller.builder;

import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * {@link ObjectStore} over S3 with the AWS SDK v2. Put-if-absent is a conditional PutObject with
 * {@code If-None-Match: *}: S3 answers 412 Precondition Failed when the key exists, and 409 when another
 * conditional write to the same key is in progress (retried here). Replace-if-match is a PutObject with
 * {@code If-Match: <etag>} (412 when the object changed). Copies have a time budget of their own and are cut
 * into parallel {@code UploadPartCopy} parts above 256 MiB ({@link S3Copier}).
 */
public final class S3ObjectStore implements ObjectStore {

    private static final int CONFLICT_RETRIES = 5;

    private final S3Client s3;
    private final S3Copier copier;

    public S3ObjectStore(S3Client s3) {
        this(s3, S3Copier.CopyBudget.DEFAULT);
    }

    /** With another copy budget, so tests can exercise multipart copies and their timeouts on small objects. */
    S3ObjectStore(S3Client s3, S3Copier.CopyBudget copyBudget) {
        this.s3 = s3;
        this.copier = new S3Copier(s3, copyBudget);
    }

    @Override
    public boolean putIfAbsent(StoreUri at, byte[] content) {
        for (int attempt = 0; ; attempt++) {
            try {
                s3.putObject(b -> b.bucket(at.bucket()).key(at.key()).ifNoneMatch("*"), RequestBody.fromBytes(content));
                return true;
            } catch (S3Exception e) {
                int status = e.statusCode();
                if (status == 412 || status == 304) {
                    return false;
                }
                if (status == 409 && attempt < CONFLICT_RETRIES) {
                    sleep(50L << attempt);
                    continue;
                }
                throw e;
            }
        }
    }

    @Override
    public void put(StoreUri at, byte[] content) {
        s3.putObject(b -> b.bucket(at.bucket()).key(at.key()), RequestBody.fromBytes(content));
    }

    @Override
    public Optional<byte[]> get(StoreUri at) {
        try {
            return Optional.of(s3.getObjectAsBytes(b -> b.bucket(at.bucket()).key(at.key())).asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<Versioned> read(StoreUri at) {
        try {
            var response = s3.getObjectAsBytes(b -> b.bucket(at.bucket()).key(at.key()));
            return Optional.of(new Versioned(response.asByteArray(), ObjectEvent.normalizeEtag(response.response().eTag())));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<String> replaceIfMatch(StoreUri at, byte[] content, String etag) {
        for (int attempt = 0; ; attempt++) {
            try {
                String written = s3.putObject(b -> b.bucket(at.bucket()).key(at.key()).ifMatch("\"" + etag + "\""),
                        RequestBody.fromBytes(content)).eTag();
                return Optional.of(ObjectEvent.normalizeEtag(written));
            } catch (NoSuchKeyException e) {
                return Optional.empty();
            } catch (S3Exception e) {
                int status = e.statusCode();
                if (status == 412 || status == 404) {
                    return Optional.empty();
                }
                if (status == 409 && attempt < CONFLICT_RETRIES) {
                    sleep(50L << attempt);
                    continue;
                }
                throw e;
            }
        }
    }

    @Override
    public Optional<ObjectInfo> head(StoreUri at) {
        try {
            HeadObjectResponse h = s3.headObject(b -> b.bucket(at.bucket()).key(at.key()));
            return Optional.of(new ObjectInfo(at, h.contentLength(), ObjectEvent.normalizeEtag(h.eTag()), h.lastModified()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public Iterable<ObjectInfo> list(StoreUri prefix) {
        return () -> s3.listObjectsV2Paginator(b -> b.bucket(prefix.bucket()).prefix(prefix.key())).contents().stream()
                .map(o -> new ObjectInfo(new StoreUri(prefix.bucket(), o.key()), o.size(),
                        ObjectEvent.normalizeEtag(o.eTag()), o.lastModified()))
                .iterator();
    }

    @Override
    public Page listPage(StoreUri prefix, String startAfter, int max) {
        ListObjectsV2Response r = s3.listObjectsV2(b -> {
            b.bucket(prefix.bucket()).prefix(prefix.key()).maxKeys(Math.max(1, Math.min(1000, max)));
            if (startAfter != null) {
                b.startAfter(startAfter);
            }
        });
        List<ObjectInfo> objects = r.contents().stream()
                .map(o -> new ObjectInfo(new StoreUri(prefix.bucket(), o.key()), o.size(),
                        ObjectEvent.normalizeEtag(o.eTag()), o.lastModified()))
                .toList();
        return new Page(objects, Boolean.TRUE.equals(r.isTruncated()) && !objects.isEmpty());
    }

    @Override
    public void copy(StoreUri from, StoreUri to) {
        copy(from, to, bytes -> { });
    }

    @Override
    public void copy(StoreUri from, StoreUri to, LongConsumer copied) {
        long size = head(from).orElseThrow(() -> new IllegalStateException("cannot copy missing " + from)).size();
        copier.copy(from, size, to, copied);
    }

    @Override
    public void delete(StoreUri at) {
        s3.deleteObject(b -> b.bucket(at.bucket()).key(at.key()));
    }

    @Override
    public String fileUri(StoreUri at) {
        return at.toUri("s3a");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying a conditional write", e);
        }
    }
}
