package dev.ndjsonparquet.spark.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NdjsonLineReaderTest {

    private static List<String> read(byte[] data, long start, long end, int maxLine) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(data);
        in.skip(start > 0 ? start - 1 : 0);
        NdjsonLineReader r = new NdjsonLineReader(in, start, end, maxLine);
        List<String> out = new ArrayList<>();
        while (r.next()) {
            out.add(r.lineTooLong() ? "TOO_LONG:" + r.lineFullLength()
                    : new String(r.lineBuffer(), r.lineOffset(), r.lineLength(), StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void crlfBomAndMissingFinalNewline() throws IOException {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] body = "{\"a\":1}\r\n\r\n{\"a\":2}".getBytes(StandardCharsets.UTF_8);
        byte[] data = new byte[bom.length + body.length];
        System.arraycopy(bom, 0, data, 0, 3);
        System.arraycopy(body, 0, data, 3, body.length);
        assertEquals(List.of("{\"a\":1}", "", "{\"a\":2}"), read(data, 0, Long.MAX_VALUE, 1 << 20));
    }

    @Test
    void emptyInputHasNoLines() throws IOException {
        assertEquals(List.of(), read(new byte[0], 0, Long.MAX_VALUE, 1 << 20));
        assertEquals(List.of(""), read("\n".getBytes(StandardCharsets.UTF_8), 0, Long.MAX_VALUE, 1 << 20));
    }

    @Test
    void everyLineBelongsToExactlyOneSplitWhateverTheSplitSize() throws IOException {
        Random rnd = new Random(42);
        StringBuilder sb = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            String line = "{\"i\":" + i + ",\"pad\":\"" + "x".repeat(rnd.nextInt(200)) + "\"}";
            expected.add(line);
            sb.append(line).append(rnd.nextInt(5) == 0 ? "\r\n" : "\n");
        }
        byte[] data = sb.toString().getBytes(StandardCharsets.UTF_8);
        for (int split : new int[] {1, 2, 7, 64, 100, 1000, 4096, data.length}) {
            List<String> all = new ArrayList<>();
            for (long s = 0; s < data.length; s += split) {
                all.addAll(read(data, s, Math.min(data.length, s + split), 1 << 20));
            }
            assertEquals(expected, all, "split size " + split);
        }
    }

    @Test
    void aThreeMegabyteLineIsOneLineAndTooLongLinesAreReported() throws IOException {
        String big = "{\"big\":\"" + "y".repeat(3 << 20) + "\"}";
        byte[] data = ("{\"a\":1}\n" + big + "\n{\"a\":2}\n").getBytes(StandardCharsets.UTF_8);
        List<String> lines = read(data, 0, Long.MAX_VALUE, 64 << 20);
        assertEquals(3, lines.size());
        assertEquals(big, lines.get(1));
        List<String> capped = read(data, 0, Long.MAX_VALUE, 1 << 20);
        assertEquals(List.of("{\"a\":1}", "TOO_LONG:" + big.length(), "{\"a\":2}"), capped);
        assertTrue(capped.get(1).startsWith("TOO_LONG"));
    }

    @Test
    void aLineOverTheLimitIsTooLongEvenWhenTheBufferHoldsIt() throws IOException {
        // Far below the 1 MiB buffer: the whole file is read at once, and the limit still applies to each line.
        String over = "{\"v\":\"" + "z".repeat(200) + "\"}";
        String atLimit = "{\"v\":\"" + "w".repeat(92) + "\"}";
        assertEquals(100, atLimit.length());
        byte[] data = ("{\"a\":1}\n" + over + "\r\n" + atLimit + "\n" + over).getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of("{\"a\":1}", "TOO_LONG:" + (over.length() + 1), atLimit, "TOO_LONG:" + over.length()),
                read(data, 0, Long.MAX_VALUE, 100));
    }
}
