package dev.ndjsonparquet.controller.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.testsupport.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The pure decisions behind copies and retries: how a copy is cut, how long to wait, what a failure counts as. */
class RetryDecisionsTest {

    private static final long MIB = 1024L * 1024;
    private static final long GIB = 1024 * MIB;

    @Test
    void copiesAreCutIntoContiguousPartsWithinS3sLimits() {
        assertTrue(CopyPlan.of(256 * MIB, 256 * MIB).single(), "up to a part: one CopyObject");
        CopyPlan fiveGib = CopyPlan.of(5 * GIB, 256 * MIB);
        assertEquals(20, fiveGib.parts().size());
        CopyPlan odd = CopyPlan.of(11 * MIB + 17, 5 * MIB);
        assertEquals(List.of(new CopyPlan.Part(1, 0, 5 * MIB - 1), new CopyPlan.Part(2, 5 * MIB, 10 * MIB - 1),
                new CopyPlan.Part(3, 10 * MIB, 11 * MIB + 16)), odd.parts());
        assertEquals("bytes=0-5242879", odd.parts().get(0).range());
        // 5 TiB, S3's largest object: parts grow so that there are at most 10,000.
        CopyPlan huge = CopyPlan.of(5 * 1024 * GIB, 256 * MIB);
        assertEquals(10_000, huge.parts().size());
        assertEquals(5 * 1024 * GIB, huge.parts().stream().mapToLong(CopyPlan.Part::length).sum());
        for (int i = 1; i < huge.parts().size(); i++) {
            assertEquals(huge.parts().get(i - 1).last() + 1, huge.parts().get(i).first(), "contiguous");
        }
        assertEquals(5 * MIB, CopyPlan.of(6 * MIB, 1).parts().get(0).length(), "never below S3's 5 MiB part minimum");
        assertThrows(IllegalArgumentException.class, () -> CopyPlan.of(-1, MIB));
    }

    @Test
    void backOffDoublesUpToItsCeiling() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));
        assertEquals(List.of(0L, 1L, 2L, 4L, 8L, 16L, 32L, 60L, 60L),
                java.util.stream.IntStream.range(0, 9).mapToObj(n -> b.after(n).toSeconds()).toList());
    }

    @Test
    void whatCountsAsAnOutage() {
        assertTrue(Dependency.isOutage(ApiCallTimeoutException.builder().message("timeout").build()));
        assertTrue(Dependency.isOutage(SdkClientException.builder().message("Connection refused").build()));
        assertTrue(Dependency.isOutage(s3(503)), "SlowDown");
        assertTrue(Dependency.isOutage(s3(500)));
        assertTrue(Dependency.isOutage(s3(403)), "an expired token or a missing permission affects every call");
        assertFalse(Dependency.isOutage(s3(404)));
        assertFalse(Dependency.isOutage(s3(409)));
        assertTrue(Dependency.isOutage(new UncheckedIOException(new IOException("disk"))));
        assertFalse(Dependency.isOutage(new IllegalStateException("a bug, or one bad record")));
        RuntimeException send = new Dependency.Failure(Dependency.SQS, "sending",
                ApiCallTimeoutException.builder().message("timeout").build());
        assertTrue(Dependency.isOutage(send));
        assertEquals(Dependency.SQS, Dependency.of(send, Dependency.S3), "a tagged error names its dependency");
        assertEquals(Dependency.S3, Dependency.of(s3(500), Dependency.S3));
    }

    /**
     * An outage charges no record until the dependency answers other work; a record that fails while others
     * succeed, or with an error that is not an outage, is charged, and set aside at the fifth charge.
     */
    @Test
    void aFailureCountsAgainstTheRecordOnlyWhenItIsTheRecordsOwn() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        BuilderMetrics metrics = new BuilderMetrics(new SimpleMeterRegistry());
        Retries retries = new Retries(clock, metrics);
        Retries.Tries record = retries.track();
        RuntimeException timeout = ApiCallTimeoutException.builder().message("timeout").build();
        for (int i = 0; i < 20; i++) {
            assertFalse(retries.failed(record, timeout, Dependency.S3), "an outage sets nothing aside");
        }
        assertEquals(0, record.charged);
        assertEquals(20, record.failures);
        assertEquals(clock.instant().plusSeconds(60), record.notBefore, "waits at most a minute");
        assertTrue(metrics.waits().isWaiting(Dependency.S3));
        assertTrue(metrics.waitingOn().orElseThrow().startsWith("waiting on s3 (since 2026-01-01T00:00:00Z)"));
        assertFalse(retries.mayCall(Dependency.S3), "calls wait for the probe");
        clock.advance(Duration.ofSeconds(30));
        assertTrue(retries.mayCall(Dependency.S3), "the probe after at most 30 s");

        retries.answered(Dependency.S3); // another record went through: S3 is back
        assertFalse(metrics.waits().isWaiting(Dependency.S3));
        assertFalse(retries.failed(record, timeout, Dependency.S3));
        assertEquals(1, record.charged, "failing while S3 answers others is the record's own failure");

        retries.answered(Dependency.S3);
        Retries.Tries bad = retries.track();
        RuntimeException own = new IllegalStateException("poison");
        for (int i = 1; i < Retries.SET_ASIDE_AFTER; i++) {
            assertFalse(retries.failed(bad, own, Dependency.S3));
        }
        assertTrue(retries.failed(bad, own, Dependency.S3), "set aside at the fifth failure of its own");
        assertFalse(metrics.waits().isWaiting(Dependency.S3), "a record's own failure is no outage");
    }

    private static S3Exception s3(int status) {
        return (S3Exception) S3Exception.builder().statusCode(status).message("status " + status).build();
    }
}
