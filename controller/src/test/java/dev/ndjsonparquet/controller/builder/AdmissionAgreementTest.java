package dev.ndjsonparquet.controller.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ndjsonparquet.location.AllowedInputs;
import dev.ndjsonparquet.location.LocationPrefixes;
import dev.ndjsonparquet.location.TrustedLocations;
import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestCodec;
import dev.ndjsonparquet.manifest.ManifestFile;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The builder and the dispatcher agree on what is admissible (issue 19, item 2): every key and URI the builder admits
 * from an event, the dispatcher (and the Spark driver, which applies the same {@link TrustedLocations}) admits too,
 * and reads back as exactly that key. Keys are generated from a seed out of the pieces that trip path handling:
 * '%' and escapes, backslashes, '//', '.' and '..' segments, '+', '?', '#', control characters, unicode (pairs and
 * lone surrogates), very long keys; each goes through both event formats and the builder's own parser. A failure
 * names its seed: {@code -Dtrust.seed=<n>} repeats it.
 */
class AdmissionAgreementTest {

    private static final String[] PIECES = {"a", "Z", "0", "-", "_", ".", "..", " ", "+", "=", "&", ":", ";", ",", "~", "'",
            "\"", "<", ">", "|", "*", "!", "@", "$", "(", "[", "{", "^", "`", "%", "%2e", "%2E", "%2F", "%25", "%5C", "%zz",
            "%C3%A9", "%FF", "?", "#", "\\", "/", "//", "/./", "/../", "\t", "\n", "\r", "\u0000", "\u001f", "\u007f",
            "\u0085", "\u00a0", "\u00e9", "\u00fc", "\u65e5\u672c", "\ud83d\ude00", "\ud800", "\udc00", "\ufeff", "\u200b",
            "\u017f", "\u212a", "ndjson", ".ndjson", ".json.gz"};
    private static final int KEYS = Integer.getInteger("trust.keys", 4000);

    private final AllowedInputs inputs = AllowedInputs.parse("s3://landing/in/");
    /** What the dispatcher checks (and passes the driver): the builder's input list, the output it writes. */
    private final TrustedLocations dispatcher = new TrustedLocations(null, inputs,
            new LocationPrefixes("outputs", List.of("s3a://lake/out/")), new LocationPrefixes("schema locations", List.of()));
    private final Admission builder = new Admission(NamePatterns.defaults(), SizeBand.unbounded(), inputs);
    private final S3ObjectStore store = new S3ObjectStore(null);

    @Test
    void everyKeyAndUriTheBuilderAdmitsTheDispatcherAdmitsAndReadsAsTheSameKey() {
        long seed = Long.getLong("trust.seed", 19L);
        Random random = new Random(seed);
        int admitted = 0;
        int refused = 0;
        List<String> kinds = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            String bucket = random.nextInt(10) == 0 ? "elsewhere" : "landing";
            String generated = (random.nextInt(5) == 0 ? "" : "in/") + key(random);
            for (String body : List.of(Harness.s3Notification(Harness.record(bucket, generated, 10, "e")),
                    Harness.eventBridge(bucket, generated, 10, "e"))) {
                EventParser.Parsed parsed;
                try {
                    parsed = EventParser.parse(body);
                } catch (EventParser.MalformedEventException e) {
                    refused++;
                    continue; // recorded as malformed by the builder, never in a manifest
                }
                for (ObjectEvent event : parsed.created()) {
                    Optional<QuarantineReason> why = builder.location(event.key(), () -> store.fileUri(event.location()));
                    if (why.isPresent()) {
                        refused++;
                        if (!kinds.contains(why.get().code())) {
                            kinds.add(why.get().code());
                        }
                        continue;
                    }
                    admitted++;
                    check(seed, event, store.fileUri(event.location()));
                }
                refused += parsed.malformed().size();
            }
        }
        // Both sides of the rule are exercised, so the agreement is not vacuous.
        assertTrue(admitted > KEYS / 4 && refused > KEYS / 4, "admitted " + admitted + ", refused " + refused + " (seed " + seed + ")");
        assertEquals(List.of("outside-allowed-inputs", "unsafe-key"), kinds.stream().sorted().toList());
    }

    /** What the dispatcher and the driver must make of a file the builder admitted. */
    private void check(long seed, ObjectEvent event, String uri) {
        String key = event.key();
        String what = "key " + escaped(key) + " as " + uri + " (seed " + seed + ", rerun with -Dtrust.seed=" + seed + ")";
        Manifest m = Manifest.of(Instant.parse("2026-01-01T00:00:00Z"), List.of(new ManifestFile(uri, 10, "e")), "s3a://lake/out/", null);
        Manifest decoded;
        try {
            decoded = ManifestCodec.decode(ManifestCodec.encode(m));
        } catch (RuntimeException e) {
            fail("the builder admits " + what + " but its manifest is not valid: " + e.getMessage());
            return;
        }
        assertEquals(List.of(), dispatcher.problems(decoded), what);
        assertEquals(java.util.Map.of(), dispatcher.refusedFiles(decoded), "the builder admits " + what + "; the dispatcher refuses it");
        assertEquals("s3a://landing/" + key, LocationPrefixes.canonical(uri).value(), "the dispatcher compares another key: " + what);
        // The driver opens new Path(URI): the URI normalised, its path decoded, less the leading '/'.
        assertEquals("/" + key, URI.create(uri).normalize().getPath(), "the driver would read another key: " + what);
    }

    /** Up to six segments of up to five pieces; now and then a leading or trailing '/', or one very long segment. */
    private static String key(Random random) {
        StringBuilder k = new StringBuilder();
        if (random.nextInt(30) == 0) {
            k.append('/');
        }
        int segments = 1 + random.nextInt(6);
        for (int s = 0; s < segments; s++) {
            if (s > 0) {
                k.append('/');
            }
            if (random.nextInt(60) == 0) {
                k.append("x".repeat(200 + random.nextInt(1000)));
                continue;
            }
            int pieces = random.nextInt(6);
            for (int p = 0; p < pieces; p++) {
                // Plain pieces most of the time, so that many keys are admissible.
                k.append(random.nextInt(3) == 0 ? PIECES[random.nextInt(PIECES.length)] : PIECES[random.nextInt(4)]);
            }
        }
        if (random.nextInt(30) == 0) {
            k.append('/');
        }
        return k.toString();
    }

    private static String escaped(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.codePoints().forEach(c -> b.append(c < 0x20 || c >= 0x7f ? String.format("\\u{%x}", c) : Character.toString(c)));
        return b.append('"').toString();
    }
}
