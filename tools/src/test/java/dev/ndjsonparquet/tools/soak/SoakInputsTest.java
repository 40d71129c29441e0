package dev.ndjsonparquet.tools.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Test;

/** The soak's inputs say truthfully what they hold: the ids of their good lines and the numbers of their bad ones. */
class SoakInputsTest {

    @Test
    void everyGeneratedFileHoldsExactlyTheLinesItClaims() throws IOException {
        SoakInputs inputs = new SoakInputs(99, EnumSet.allOf(SoakInputs.Kind.class), "events/", 1);
        Set<String> kinds = new HashSet<>();
        Set<Long> ids = new HashSet<>();
        int members = 0;
        for (int i = 0; i < 150; i++) {
            SoakInputs.Version v = inputs.file(i);
            kinds.add(v.compression() + (v.quarantineReason() == null ? "" : " " + v.quarantineReason()));
            String text = new String(decompress(v), StandardCharsets.UTF_8);
            List<Long> good = new ArrayList<>();
            List<Long> bad = new ArrayList<>();
            String[] lines = text.split("\n", -1);
            for (int n = 0; n < lines.length - 1; n++) {
                String line = lines[n];
                if (line.matches("\\{\"id\":[1-9][0-9]*,\"source\":\"soak\".*\\}\\}")) {
                    good.add(Long.parseLong(line.substring(6, line.indexOf(','))));
                } else if (!line.isEmpty() && !line.equals("{\"id\":0}")) {
                    bad.add((long) n + 1);
                }
            }
            assertEquals(v.goodIds(), good, v.key());
            assertEquals(v.badLines(), bad, v.key());
            assertTrue(good.stream().allMatch(ids::add), "ids are unique in a round: " + v.key());
            assertEquals(v.quarantineReason() == null, v.size() >= SoakInputs.MIN_BYTES && v.size() <= SoakInputs.MAX_BYTES, v.key());
            if (v.compression().equals("gzip")) {
                members += countGzipMembers(v.content());
            }
        }
        assertEquals(Set.of("none", "gzip", "bzip2", "zstd", "none too-small", "none too-large"), kinds);
        assertTrue(members > 2 * kinds.size(), "gzip files of several members: " + members);
    }

    private static byte[] decompress(SoakInputs.Version v) throws IOException {
        try (InputStream in = switch (v.compression()) {
            case "gzip" -> new GzipCompressorInputStream(new ByteArrayInputStream(v.content()), true);
            case "bzip2" -> new BZip2CompressorInputStream(new ByteArrayInputStream(v.content()));
            case "zstd" -> new ZstdInputStream(new ByteArrayInputStream(v.content()));
            default -> new ByteArrayInputStream(v.content());
        }) {
            return in.readAllBytes();
        }
    }

    private static int countGzipMembers(byte[] gz) {
        int n = 0;
        for (int i = 0; i + 2 < gz.length; i++) {
            if ((gz[i] & 0xff) == 0x1f && (gz[i + 1] & 0xff) == 0x8b && gz[i + 2] == 8) {
                n++;
            }
        }
        return n;
    }
}
