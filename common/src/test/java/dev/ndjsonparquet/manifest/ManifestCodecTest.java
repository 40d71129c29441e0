package dev.ndjsonparquet.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestCodecTest {

    private static final Instant T = Instant.parse("2026-11-26T02:11:00Z");
    private static final List<ManifestFile> FILES = List.of(
            new ManifestFile("s3a://landing/a.ndjson", 100, "\"e1\""),
            new ManifestFile("s3://landing/b.ndjson.gz", 50, "\"e2\"", "v7"));

    private static String json(String files, String extra) {
        return "{\"version\":1,\"manifestId\":\"m-0123456789abcdef01234567\",\"createdAt\":\"2026-11-26T02:11:00Z\","
                + "\"files\":" + files + ",\"totalBytes\":150,\"output\":\"s3a://lake/t\"" + extra + "}";
    }

    private static List<String> problems(String json) {
        InvalidManifestException e = assertThrows(InvalidManifestException.class,
                () -> ManifestCodec.decode(json.getBytes(StandardCharsets.UTF_8)));
        return e.problems();
    }

    @Test
    void roundTripsAndDerivesADeterministicDnsSafeId() {
        Manifest m = Manifest.of(T, FILES, "s3a://lake/events", "s3a://lake/schema.ddl");
        Manifest back = ManifestCodec.decode(ManifestCodec.encode(m));
        assertEquals(m, back);
        assertEquals(150, back.totalBytes());
        assertTrue(ManifestIds.isDnsSafe(m.manifestId()), m.manifestId());
        assertEquals(26, m.manifestId().length());
        // Order of files does not matter; a different etag (a new version of a file) does.
        assertEquals(m.manifestId(), ManifestIds.fromFiles(List.of(FILES.get(1), FILES.get(0))));
        assertNotEquals(m.manifestId(), ManifestIds.fromFiles(List.of(FILES.get(0),
                new ManifestFile("s3://landing/b.ndjson.gz", 50, "\"e3\"", "v7"))));
    }

    @Test
    void everyProblemIsListedAtOnce() {
        String files = "[{\"uri\":\"s3a://landing/a.ndjson\",\"size\":-1},{\"uri\":\"s3://landing/a.ndjson\",\"size\":5},"
                + "{\"uri\":\"http://example.com/x.json\",\"size\":1},{\"uri\":\"s3a:///nokey\",\"size\":1}]";
        String bad = "{\"version\":2,\"manifestId\":\"M_Bad\",\"createdAt\":\"2026-11-26T02:11:00Z\",\"files\":" + files
                + ",\"totalBytes\":150,\"output\":\"ftp://x/y\"}";
        List<String> p = problems(bad);
        String all = String.join("\n", p);
        assertTrue(all.contains("unknown version 2"), all);
        assertTrue(all.contains("manifestId 'M_Bad' is not DNS-safe"), all);
        assertTrue(all.contains("files[0].size is negative (-1)"), all);
        assertTrue(all.contains("files[1].uri duplicates an earlier file"), all);
        assertTrue(all.contains("files[2].uri 'http://example.com/x.json' has scheme http"), all);
        assertTrue(all.contains("files[3].uri 's3a:///nokey' names no bucket"), all);
        assertTrue(all.contains("output 'ftp://x/y' has scheme ftp"), all);
        assertTrue(all.contains("totalBytes is 150 but the files add up to 6"), all);
        assertEquals(8, p.size(), all);
    }

    @Test
    void emptyFileListUnknownFieldsAndNotJsonAreClearErrors() {
        assertTrue(problems(json("[]", "")).contains("files is empty: a manifest has at least one file"));
        assertTrue(problems(json("[{\"uri\":\"s3a://l/a\",\"size\":150}]", ",\"colour\":\"blue\""))
                .get(0).contains("colour"));
        assertTrue(problems("not json").get(0).startsWith("manifest is not valid JSON"));
        assertTrue(problems(json("[{\"uri\":\"s3a://l/a\",\"size\":150}]", "").replace("\"createdAt\":\"2026-11-26T02:11:00Z\",", ""))
                .contains("createdAt is missing"));
    }

    @Test
    void idsLongerThanFortyCharactersOrWithUpperCaseAreRejected() {
        assertTrue(ManifestIds.isDnsSafe("m-0123456789abcdef01234567"));
        assertTrue(!ManifestIds.isDnsSafe("m-" + "a".repeat(39)));
        assertTrue(!ManifestIds.isDnsSafe("M-abc"));
        assertTrue(!ManifestIds.isDnsSafe("-abc"));
        assertTrue(!ManifestIds.isDnsSafe(null));
    }

    @Test
    void messagesAreSmallAndValidated() {
        Manifest m = Manifest.of(T, FILES, "s3a://lake/events", null);
        String body = ManifestCodec.encodeMessage(ManifestMessage.of("s3://lake/manifests/" + m.manifestId() + ".json", m));
        ManifestMessage back = ManifestCodec.decodeMessage(body);
        assertEquals(2, back.fileCount());
        assertEquals(150, back.totalBytes());
        assertEquals(m.manifestId(), back.manifestId());
        InvalidManifestException e = assertThrows(InvalidManifestException.class,
                () -> ManifestCodec.decodeMessage("{\"manifestId\":\"Bad Id\",\"fileCount\":0,\"totalBytes\":-1}"));
        assertEquals(4, e.problems().size(), e.problems().toString());
        assertThrows(InvalidManifestException.class, () -> ManifestCodec.decodeMessage("{oops"));
    }
}
