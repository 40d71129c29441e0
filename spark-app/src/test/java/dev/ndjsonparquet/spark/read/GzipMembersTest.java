package dev.ndjsonparquet.spark.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Multi-member gzip read whole however the store hands its bytes over: Java 17's GZIPInputStream ended the file at a
 * member boundary whenever the stream reported nothing available (Hadoop 3.5's default S3A stream always does),
 * with no error; and it ignored junk after a member. The S3A end of this is in {@code job.GzipMembersThroughS3aTest}.
 */
class GzipMembersTest {

    /** A stream as S3A's: {@code available()} is 0 and each read returns at most {@code first} bytes, then {@code chunk}. */
    private static final class StingyStream extends FilterInputStream {
        private int next;
        private final int chunk;

        StingyStream(byte[] data, int first, int chunk) {
            super(new ByteArrayInputStream(data));
            this.next = first;
            this.chunk = chunk;
        }

        @Override
        public int available() {
            return 0;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = next > 0 ? next : chunk;
            next = 0;
            return super.read(b, off, Math.min(len, n));
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }

    static byte[] member(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** {@code members} members of {@code linesPerMember} lines each, ids counting up from 0. */
    static byte[] manyMembers(int members, int linesPerMember) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int id = 0;
        for (int m = 0; m < members; m++) {
            StringBuilder sb = new StringBuilder();
            for (int l = 0; l < linesPerMember; l++) {
                sb.append("{\"id\":").append(id++).append("}\n");
            }
            out.writeBytes(member(sb.toString()));
        }
        return out.toByteArray();
    }

    private static List<String> lines(InputStream raw) throws IOException {
        NdjsonLineReader r = new NdjsonLineReader(Decompression.open("s3a://b/k.ndjson.gz", raw), 0, Long.MAX_VALUE, 1 << 20);
        List<String> out = new ArrayList<>();
        while (r.next()) {
            out.add(new String(r.lineBuffer(), r.lineOffset(), r.lineLength(), StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void everyMemberOfAManyMemberFileIsReadWhenTheStreamReportsNothingAvailable() throws IOException {
        byte[] file = manyMembers(3_000, 3);
        List<String> read = lines(new StingyStream(file, 7, 7));
        assertEquals(9_000, read.size());
        assertEquals("{\"id\":8999}", read.get(8_999));
    }

    @Test
    void aMemberBoundaryAtEveryPositionOfARead() throws IOException {
        byte[] first = member("{\"id\":1}\n{\"id\":2}\n");
        byte[] second = member("{\"id\":3}\n");
        byte[] bgzipEnd = member(""); // bgzip's end-of-file marker: an empty member
        byte[] file = concat(first, second, bgzipEnd);
        List<String> expected = List.of("{\"id\":1}", "{\"id\":2}", "{\"id\":3}");
        for (int chunk : new int[] {1, 2, 3, 7, 8, 10, 18, 19, 64}) {
            for (int phase = 1; phase <= chunk; phase++) { // the first read's size shifts every boundary by one byte
                assertEquals(expected, lines(new StingyStream(file, phase, chunk)), "reads of " + chunk + ", first " + phase);
            }
        }
    }

    @Test
    void junkAfterAValidMemberIsAnError() throws IOException {
        byte[] file = concat(member("{\"id\":1}\n"), "not gzip at all\n".getBytes(StandardCharsets.UTF_8));
        IOException e = assertThrows(IOException.class, () -> lines(new StingyStream(file, 5, 5)));
        assertFalse(SourceReadException.in(e), "the decompressor's finding, not the store's: " + e);
    }

    @Test
    void aFileCutInsideTheNextMembersHeaderIsAnError() throws IOException {
        byte[] whole = member("{\"id\":2}\n");
        for (int cut = 1; cut < 10; cut++) { // a gzip header is 10 bytes
            byte[] file = concat(member("{\"id\":1}\n"), Arrays.copyOf(whole, cut));
            assertThrows(IOException.class, () -> lines(new StingyStream(file, 4, 4)), "cut after " + cut);
        }
    }
}
