package dev.ndjsonparquet.controller.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.controller.builder.BatchPolicy.CloseReason;
import dev.ndjsonparquet.location.AllowedInputs;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pure deciding parts: event parsing, name patterns, size band, batch policy. */
class DecisionsTest {

    private static final long MB = BuilderSettings.MB;

    @Test
    void s3NotificationWithSeveralRecordsAndEncodedKeys() {
        String body = Harness.s3Notification(
                Harness.record("in", "dir/with space.json", 10, "abc"),
                Harness.record("in", "dir/caf\u00e9 \u6587\u4ef6+plus.ndjson.gz", 20, "\\\"def\\\""),
                Harness.record("in", "dir/a=b&c.jsonl", 30, "ghi"));
        EventParser.Parsed p = EventParser.parse(body);
        assertEquals(List.of("dir/with space.json", "dir/caf\u00e9 \u6587\u4ef6+plus.ndjson.gz", "dir/a=b&c.jsonl"),
                p.created().stream().map(ObjectEvent::key).toList());
        assertEquals("def", p.created().get(1).etag(), "quotes stripped");
        assertEquals(20, p.created().get(1).size());
        assertEquals("in", p.created().get(0).bucket());
        assertEquals(Instant.parse("2026-01-01T00:00:00Z"), p.created().get(0).eventTime());
    }

    @Test
    void s3KeysAsS3EncodesThem() {
        // S3 writes spaces as '+', a literal '+' as %2B.
        String body = "{\"Records\":[{\"eventName\":\"ObjectCreated:CompleteMultipartUpload\",\"s3\":{\"bucket\":{\"name\":\"b\"},"
                + "\"object\":{\"key\":\"red+flower%2B1%C3%A9.json\",\"size\":5,\"eTag\":\"e\",\"versionId\":\"v1\"}}},"
                + "{\"eventName\":\"ObjectRemoved:Delete\",\"s3\":{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"x\"}}}]}";
        EventParser.Parsed p = EventParser.parse(body);
        assertEquals(1, p.created().size());
        assertEquals("red flower+1\u00e9.json", p.created().get(0).key());
        assertEquals("v1", p.created().get(0).versionId());
        assertEquals(1, p.ignored(), "the removal is ignored");
    }

    @Test
    void eventBridgeObjectCreated() {
        EventParser.Parsed p = EventParser.parse(Harness.eventBridge("in", "a b/\u00fcber.json", 42, "etag1"));
        assertEquals(1, p.created().size());
        ObjectEvent e = p.created().get(0);
        assertEquals("in", e.bucket());
        assertEquals("a b/\u00fcber.json", e.key());
        assertEquals(42, e.size());
        assertEquals("etag1", e.etag());
        String deleted = Harness.eventBridge("in", "x.json", 1, "e").replace("Object Created", "Object Deleted");
        assertEquals(0, EventParser.parse(deleted).created().size());
    }

    @Test
    void testEventsAndSnsWrapping() {
        String test = "{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Time\":\"2026-01-01T00:00:00.000Z\","
                + "\"Bucket\":\"in\",\"RequestId\":\"5582815E1AEA5ADF\",\"HostId\":\"8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE\"}";
        EventParser.Parsed p = EventParser.parse(test);
        assertTrue(p.created().isEmpty());
        assertEquals(1, p.ignored());
        String inner = Harness.s3Notification(Harness.record("in", "k.json", 1, "e"));
        String sns = "{\"Type\":\"Notification\",\"MessageId\":\"1\",\"Message\":" + quote(inner) + "}";
        assertEquals("k.json", EventParser.parse(sns).created().get(0).key());
    }

    @Test
    void malformedBodiesAreRejected() {
        assertThrows(EventParser.MalformedEventException.class, () -> EventParser.parse("not json"));
        assertThrows(EventParser.MalformedEventException.class, () -> EventParser.parse("[1,2]"));
        assertThrows(EventParser.MalformedEventException.class, () -> EventParser.parse("{\"hello\":1}"));
        assertThrows(EventParser.MalformedEventException.class, () -> EventParser.parse(
                "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"object\":{\"key\":\"k\"}}}]}"));
    }

    @Test
    void defaultPatternsAcceptNdjsonWithOptionalCompression() {
        NamePatterns p = NamePatterns.defaults();
        for (String ok : List.of("a.ndjson", "x/y/a.jsonl", "A.JSON", "a.ndjson.gz", "a.jsonl.bz2", "a.json.zst", "d.e/f g.json")) {
            assertTrue(p.accepts(ok), ok);
        }
        for (String no : List.of("a.csv", "a.json.tmp", "a.gz", "a.ndjson.xz", "json", "_SUCCESS")) {
            assertFalse(p.accepts(no), no);
        }
        NamePatterns custom = NamePatterns.of(NamePatterns.DEFAULT_INCLUDE, "*/_tmp/*,*.{bz2,zst}");
        assertFalse(custom.accepts("in/_tmp/a.json"));
        assertFalse(custom.accepts("a.json.bz2"));
        assertTrue(custom.accepts("in/a.json.gz"));
        assertTrue(NamePatterns.problem("*.{json").isPresent());
        assertTrue(NamePatterns.problem("*.json}").isPresent());
    }

    @Test
    void defaultBandAcceptsTheWholeStatedRangeWhichTheOriginalToleranceDidNot() {
        SizeBand band = new SizeBand(BuilderSettings.MIN_FILE_SIZE_MB.defaultValue() * MB,
                BuilderSettings.MAX_FILE_SIZE_MB.defaultValue() * MB);
        long gb = 1_000_000_000L;
        for (long size : List.of(3_500_000_000L, 4_000_000_000L, 4_300_000_000L, 4_500_000_000L, 4L * 1024 * MB)) {
            assertEquals(Optional.empty(), band.check(size), size + " bytes");
        }
        // The original EXPECTED_FILE_SIZE_MB=3500 with SIZE_TOLERANCE_PERCENT=20 tops out at 4200 MB.
        SizeBand original = new SizeBand((long) (3500 * 0.8) * MB, (long) (3500 * 1.2) * MB);
        assertEquals(Optional.of(QuarantineReason.TOO_LARGE), original.check(4_500_000_000L));
        assertEquals(Optional.of(QuarantineReason.TOO_SMALL), band.check(gb));
        assertEquals(Optional.of(QuarantineReason.TOO_LARGE), band.check(6 * gb));
        assertEquals(Optional.empty(), SizeBand.unbounded().check(0));
        assertEquals(Optional.empty(), SizeBand.unbounded().check(Long.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> new SizeBand(10, 5));
    }

    @Test
    void admissionChecksNameBeforeSize() {
        Admission a = new Admission(NamePatterns.defaults(), new SizeBand(10, 100), AllowedInputs.parse("s3://b/"));
        assertEquals(Optional.of(QuarantineReason.EXCLUDED_NAME), a.check("a.csv", 50));
        assertEquals(Optional.of(QuarantineReason.TOO_SMALL), a.check("a.json", 5));
        assertEquals(Optional.of(QuarantineReason.TOO_LARGE), a.check("a.json", 101));
        assertEquals(Optional.empty(), a.check("a.json", 100));
    }

    @Test
    void batchClosesByCountBytesOrAgeWhicheverFirst() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        BatchPolicy p = new BatchPolicy(3, 1000, Duration.ofMinutes(5));
        assertEquals(Optional.empty(), p.closeNow(0, 0, null, t0));
        assertEquals(Optional.empty(), p.closeNow(2, 500, t0, t0.plusSeconds(299)));
        assertEquals(Optional.of(CloseReason.COUNT), p.closeNow(3, 10, t0, t0));
        assertEquals(Optional.of(CloseReason.BYTES), p.closeNow(2, 1000, t0, t0));
        assertEquals(Optional.of(CloseReason.AGE), p.closeNow(1, 1, t0, t0.plusSeconds(300)));
        assertTrue(p.closeBefore(2, 600, 401), "600 + 401 would cross the cap");
        assertFalse(p.closeBefore(2, 600, 400));
        assertFalse(p.closeBefore(0, 0, 5000), "an oversized file still gets a batch of its own");
        assertEquals(t0.plusSeconds(300), p.deadline(t0));
    }

    @Test
    void settingsDefaultsMatchTheOriginalDesign() {
        assertEquals(100, BuilderSettings.MAX_FILES_PER_MANIFEST.defaultValue());
        assertEquals(500.0, BuilderSettings.MAX_BATCH_SIZE_GB.defaultValue());
        assertEquals("MAX_FILES_PER_MANIFEST", BuilderSettings.MAX_FILES_PER_MANIFEST.env());
        assertEquals("MAX_BATCH_SIZE_GB", BuilderSettings.MAX_BATCH_SIZE_GB.env());
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    /** S3 notifications URL-encode keys ('+' is a space); EventBridge events carry them as they are. */
    @Test
    void keysAreDecodedOnlyInTheNotificationFormat() {
        for (String key : List.of("a+b.json", "100%.json", "with space.json", "\u00fcn\u00ef/c\u00f6d\u00e9.json",
                "raw/2023-08-08T14:03:40.532432.zip", "a%2Bb.json")) {
            String notified = Harness.s3Notification(Harness.record("b", key, 10, "e"));
            assertEquals(key, EventParser.parse(notified).created().get(0).key(), "notification of " + key);
            String bridged = Harness.eventBridge("b", key, 10, "e");
            assertEquals(key, EventParser.parse(bridged).created().get(0).key(), "EventBridge event of " + key);
        }
        // What S3 really sends for "a b+c:d.json" in a notification, and EventBridge for the same key.
        assertEquals("a b+c:d.json", EventParser.parse(
                "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"b\"},"
                        + "\"object\":{\"key\":\"a+b%2Bc%3Ad.json\",\"size\":1,\"eTag\":\"e\"}}}]}").created().get(0).key());
        assertEquals("a b+c:d.json", EventParser.parse("{\"detail-type\":\"Object Created\",\"source\":\"aws.s3\","
                + "\"detail\":{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"a b+c:d.json\",\"size\":1}}}").created().get(0).key());
    }

    @Test
    void aBadEscapeMakesOneRecordMalformedNotTheMessage() {
        String bad = Harness.record("b", "x.json", 10, "e").replace("x.json", "100%zz.json");
        EventParser.Parsed p = EventParser.parse(Harness.s3Notification(bad, Harness.record("b", "ok.json", 10, "e")));
        assertEquals(List.of("ok.json"), p.created().stream().map(ObjectEvent::key).toList());
        assertEquals(1, p.malformed().size());
        assertEquals(0, p.malformed().get(0).index());
        assertTrue(p.malformed().get(0).reason().contains("100%zz.json"));
        assertThrows(EventParser.MalformedEventException.class, () -> EventParser.parse(Harness.s3Notification(bad)),
                "a message with nothing readable is malformed as a whole");
        // EventBridge keys are not decoded, so a '%' there is just a character.
        assertEquals("100%zz.json", EventParser.parse(Harness.eventBridge("b", "100%zz.json", 1, "e")).created().get(0).key());
    }

    @Test
    void keysThatPathsRewriteOrThatCannotBeCarriedAreUnsafeAndFilesElsewhereAreOutside() {
        Admission a = new Admission(NamePatterns.defaults(), SizeBand.unbounded(), AllowedInputs.parse("s3://b/in/"));
        for (String bad : List.of("in//x.json", "in/./x.json", "in/../x.json", "/x.json", "./x.json", "../x.json",
                "in/.", "in/..", "in/", "", "in\\x.json", "in/a\tb.json", "in/a\u007fb.json", "in/\ud800.json",
                "in/" + "k".repeat(1022) + ".json")) {
            assertEquals(Optional.of(QuarantineReason.UNSAFE_KEY), a.location(bad, () -> new StoreUri("b", bad).toUri("s3a")), bad);
        }
        for (String ok : List.of("in/x.json", "in/.hidden.json", "in/..x.json", "in/x..json", "in/a+b/%2e%2e/c.json",
                "in/ x.json", "in/caf\u00e9 \ud83d\ude00.json")) {
            assertEquals(Optional.empty(), a.location(ok, () -> new StoreUri("b", ok).toUri("s3a")), ok);
        }
        assertEquals(Optional.of(QuarantineReason.OUTSIDE_ALLOWED_INPUTS), a.location("x.json", () -> "s3a://other/in/x.json"));
        assertEquals(Optional.of(QuarantineReason.OUTSIDE_ALLOWED_INPUTS), a.location("input/x.json", () -> "s3a://b/input/x.json"));
    }
}
