package dev.ndjsonparquet.controller.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.controller.dispatch.Dependencies.Calls;
import dev.ndjsonparquet.controller.dispatch.Dependencies.Service;
import dev.ndjsonparquet.manifest.InvalidManifestException;
import dev.ndjsonparquet.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Waiting on a failing dependency: the back-off, what ends it, what blocks receiving, what people are told. */
class DependenciesTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
    private final Dependencies deps = new Dependencies(clock, Duration.ofSeconds(5), Duration.ofSeconds(60));
    private final AtomicInteger calls = new AtomicInteger();

    private String failing() {
        calls.incrementAndGet();
        throw new IllegalStateException("connection refused");
    }

    @Test
    void aFailedCallIsTriedAgainAfterABackOffThatDoublesUpToTheCap() {
        // Every second the dispatcher would make the call; only the ones the back-off lets through reach the dependency.
        List<Long> gaps = new ArrayList<>();
        long sinceLast = 0;
        for (int second = 0; second < 400 && gaps.size() < 6; second++) {
            int before = calls.get();
            assertThrows(Dependencies.Unavailable.class, () -> deps.call(Service.KUBERNETES, Calls.CREATE, this::failing));
            if (calls.get() > before) {
                if (second > 0) {
                    gaps.add(sinceLast);
                }
                sinceLast = 0;
            }
            clock.advance(Duration.ofSeconds(1));
            sinceLast++;
        }
        assertEquals(List.of(5L, 10L, 20L, 40L, 60L, 60L), gaps);
    }

    @Test
    void oneSuccessEndsTheWaitAndAnInvalidManifestIsAnAnswerNotAFailure() {
        assertThrows(Dependencies.Unavailable.class, () -> deps.call(Service.S3, Calls.LOAD_MANIFEST, this::failing));
        assertTrue(deps.blockIntake(), "reading manifests fails: receive nothing");
        assertEquals(Set.of(Service.S3), deps.failing());
        assertTrue(deps.waitingOn().orElseThrow().contains("waiting on s3 (read manifest failing since 2026-12-01T00:00:00Z, 1 time(s): "
                + "IllegalStateException: connection refused)"), deps.waitingOn().orElseThrow());
        clock.advance(Duration.ofSeconds(5));
        assertThrows(InvalidManifestException.class, () -> deps.call(Service.S3, Calls.LOAD_MANIFEST, () -> {
            throw new InvalidManifestException(List.of("manifest s3://work/m.json does not exist"));
        }));
        assertFalse(deps.blockIntake(), "S3 answered (the manifest is missing): the wait is over");
        assertEquals(Optional.empty(), deps.waitingOn());
    }

    @Test
    void housekeepingCallsDoNotBlockReceivingAndForgottenOutagesExpire() {
        assertThrows(Dependencies.Unavailable.class, () -> deps.call(Service.KUBERNETES, Calls.DELETE, this::failing));
        assertThrows(Dependencies.Unavailable.class, () -> deps.call(Service.SQS, Calls.DEPTH, this::failing));
        assertFalse(deps.blockIntake(), "history trimming and the depth gauge do not hold up new messages");
        assertEquals(Set.of(Service.KUBERNETES, Service.SQS), deps.failing());
        clock.advance(Duration.ofMinutes(5)); // nothing tried them again
        assertEquals(Set.of(), deps.failing());
    }
}
