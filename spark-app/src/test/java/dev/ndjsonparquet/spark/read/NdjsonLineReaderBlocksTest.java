package dev.ndjsonparquet.spark.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The newline scan eight bytes at a time: every line of every length and content comes back exactly. */
class NdjsonLineReaderBlocksTest {

    @Test
    void linesOfEveryLengthAroundTheBlockSizeComeBackExactly() throws IOException {
        SplittableRandom r = new SplittableRandom(3);
        List<byte[]> lines = new ArrayList<>();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int n = 0; n < 5000; n++) {
            byte[] line = new byte[r.nextInt(40)];
            for (int k = 0; k < line.length; k++) {
                byte b;
                do {
                    b = (byte) r.nextInt(256);
                } while (b == '\n' || b == '\r' || (n == 0 && k == 0 && (b & 0xff) == 0xEF));
                line[k] = b;
            }
            lines.add(line);
            all.write(line);
            all.write('\n');
        }
        NdjsonLineReader reader = new NdjsonLineReader(new ByteArrayInputStream(all.toByteArray()), 0, Long.MAX_VALUE, 1 << 20);
        for (byte[] expected : lines) {
            assertTrue(reader.next());
            byte[] actual = Arrays.copyOfRange(reader.lineBuffer(), reader.lineOffset(),
                    reader.lineOffset() + reader.lineLength());
            assertEquals(Arrays.toString(expected), Arrays.toString(actual));
        }
        assertFalse(reader.next());
    }
}
