package dev.ndjsonparquet.controller.builder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * Server-side copies on S3 with a time budget of their own. The clients' timeouts (30 s a call attempt, 90 s a
 * call, {@code AwsClients}) suit small requests; one {@code CopyObject} of a 5 GiB file can take longer, so a copy
 * is cut by {@link CopyPlan} into {@code UploadPartCopy} ranges copied {@link CopyBudget#parallelism()} at a
 * time, and each copy call (the single copy, each part, the completion) runs under
 * {@link CopyBudget#callTimeout()} instead. Each completed part is reported as progress. A part that fails is
 * tried again (an {@code UploadPartCopy} of the same part number replaces the part); a copy that fails aborts
 * its multipart upload, and when the {@code CreateMultipartUpload} itself throws (it may have been applied, its
 * upload id unknown) the pending uploads of the target key are aborted. A bucket lifecycle rule
 * ({@code AbortIncompleteMultipartUpload}) removes what a killed process leaves.
 */
final class S3Copier {

    private static final Logger LOG = LoggerFactory.getLogger(S3Copier.class);
    private static final int PART_ATTEMPTS = 3;

    /**
     * How copies are cut and timed.
     *
     * @param partSize    preferred part size; objects up to this size are copied by one {@code CopyObject}
     * @param parallelism parts copied at once
     * @param callTimeout the time one copy call may take, retries by the SDK included (each attempt gets a third)
     */
    record CopyBudget(long partSize, int parallelism, Duration callTimeout) {
        /** 256 MiB parts (a 5 GiB file is 20), 8 at a time, 15 minutes a call: S3 copies a part in seconds. */
        static final CopyBudget DEFAULT = new CopyBudget(256L * 1024 * 1024, 8, Duration.ofMinutes(15));

        CopyBudget {
            if (parallelism < 1 || partSize < 1 || callTimeout.isNegative() || callTimeout.isZero()) {
                throw new IllegalArgumentException("bad copy budget " + partSize + "/" + parallelism + "/" + callTimeout);
            }
        }

        void apply(AwsRequestOverrideConfiguration.Builder o) {
            o.apiCallTimeout(callTimeout).apiCallAttemptTimeout(callTimeout.dividedBy(3));
        }
    }

    private final S3Client s3;
    private final CopyBudget budget;

    S3Copier(S3Client s3, CopyBudget budget) {
        this.s3 = s3;
        this.budget = budget;
    }

    void copy(StoreUri from, long size, StoreUri to, LongConsumer copied) {
        CopyPlan plan = CopyPlan.of(size, budget.partSize());
        if (plan.single()) {
            s3.copyObject(b -> b.sourceBucket(from.bucket()).sourceKey(from.key())
                    .destinationBucket(to.bucket()).destinationKey(to.key()).overrideConfiguration(budget::apply));
            copied.accept(size);
            return;
        }
        String uploadId;
        try {
            uploadId = s3.createMultipartUpload(b -> b.bucket(to.bucket()).key(to.key())).uploadId();
        } catch (RuntimeException e) {
            abortPending(to, e);
            throw e;
        }
        ExecutorService parts = Executors.newFixedThreadPool(Math.min(budget.parallelism(), plan.parts().size()), r -> {
            Thread t = new Thread(r, "quarantine-copy-part");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<CompletedPart>> running = new ArrayList<>();
            for (CopyPlan.Part p : plan.parts()) {
                running.add(parts.submit(() -> copyPart(from, to, uploadId, p, copied)));
            }
            List<CompletedPart> done = new ArrayList<>();
            for (Future<CompletedPart> f : running) {
                done.add(f.get());
            }
            s3.completeMultipartUpload(b -> b.bucket(to.bucket()).key(to.key()).uploadId(uploadId)
                    .multipartUpload(CompletedMultipartUpload.builder().parts(done).build())
                    .overrideConfiguration(budget::apply));
        } catch (ExecutionException e) {
            RuntimeException cause = e.getCause() instanceof RuntimeException r ? r
                    : new IllegalStateException("copy of " + from + " to " + to + " failed", e.getCause());
            parts.shutdownNow();
            throw abort(to, uploadId, cause);
        } catch (InterruptedException e) {
            // Cancelled (leadership lost): abort first, with the interrupt cleared so that the abort call can run.
            parts.shutdownNow();
            RuntimeException cancelled = abort(to, uploadId, new IllegalStateException("copy of " + from + " to " + to
                    + " cancelled", e));
            Thread.currentThread().interrupt();
            throw cancelled;
        } catch (RuntimeException e) {
            parts.shutdownNow();
            throw abort(to, uploadId, e);
        } finally {
            parts.shutdownNow();
        }
    }

    private CompletedPart copyPart(StoreUri from, StoreUri to, String uploadId, CopyPlan.Part p, LongConsumer copied) {
        RuntimeException last = null;
        for (int attempt = 1; attempt <= PART_ATTEMPTS; attempt++) {
            if (Thread.currentThread().isInterrupted()) {
                throw new IllegalStateException("copy of part " + p.number() + " cancelled");
            }
            try {
                String etag = s3.uploadPartCopy(b -> b.sourceBucket(from.bucket()).sourceKey(from.key())
                        .destinationBucket(to.bucket()).destinationKey(to.key()).uploadId(uploadId)
                        .partNumber(p.number()).copySourceRange(p.range()).overrideConfiguration(budget::apply))
                        .copyPartResult().eTag();
                copied.accept(p.length());
                return CompletedPart.builder().partNumber(p.number()).eTag(etag).build();
            } catch (RuntimeException e) {
                if (last != null) {
                    e.addSuppressed(last);
                }
                last = e;
                LOG.info("copy of part {} of {} failed (attempt {} of {}): {}", p.number(), to, attempt, PART_ATTEMPTS, e.toString());
            }
        }
        throw last;
    }

    /** Aborts the upload; a failure to abort is added to the copy's error, not thrown in its place. */
    private RuntimeException abort(StoreUri to, String uploadId, RuntimeException cause) {
        try {
            s3.abortMultipartUpload(b -> b.bucket(to.bucket()).key(to.key()).uploadId(uploadId));
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
        return cause;
    }

    /** Aborts every pending upload of exactly this key: a create that threw may have started one. */
    private void abortPending(StoreUri to, RuntimeException cause) {
        try {
            for (MultipartUpload u : s3.listMultipartUploadsPaginator(b -> b.bucket(to.bucket()).prefix(to.key())).uploads()) {
                if (u.key().equals(to.key())) {
                    abort(to, u.uploadId(), cause);
                }
            }
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }
}
