package dev.ndjsonparquet.spark.write;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.ndjsonparquet.spark.parse.JsonRowConverter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A task's bad records, as JSON lines in a staging file of its own (one per task attempt). The file is
 * created on the first bad record; the driver later turns the files of the successful attempts into
 * the Parquet bad-records output with absolute line numbers.
 */
public final class BadRecordWriter implements Closeable {

    private final Path path;
    private final Configuration conf;
    private final int rawMaxBytes;
    private OutputStream out;
    private JsonGenerator gen;
    private long count;

    public BadRecordWriter(Path path, Configuration conf, int rawMaxBytes) {
        this.path = path;
        this.conf = conf;
        this.rawMaxBytes = rawMaxBytes;
    }

    public void write(int split, long lineInSplit, long byteOffset, String reason, byte[] raw, int off, int len,
               long fullLength) throws IOException {
        if (gen == null) {
            FileSystem fs = path.getFileSystem(conf);
            out = fs.create(path, true);
            gen = JsonRowConverter.FACTORY.createGenerator(out);
        }
        int keep = Math.min(len, rawMaxBytes);
        gen.writeStartObject();
        gen.writeNumberField("split", split);
        gen.writeNumberField("line_in_split", lineInSplit);
        gen.writeNumberField("byte_offset", byteOffset);
        gen.writeStringField("reason", reason);
        gen.writeStringField("raw_line", decodeLenient(raw, off, keep));
        gen.writeNumberField("raw_line_bytes", fullLength);
        gen.writeBooleanField("raw_line_truncated", keep < fullLength);
        gen.writeEndObject();
        gen.writeRaw('\n');
        count++;
    }

    public long count() {
        return count;
    }

    /** The staging file, or null when no bad record was written. */
    public String file() {
        return gen == null ? null : path.toString();
    }

    @Override
    public void close() throws IOException {
        if (gen != null) {
            gen.close();
            out.close();
        }
    }

    /** Invalid UTF-8 (the reason names it) is kept with U+FFFD in place of the bad bytes. */
    private static String decodeLenient(byte[] b, int off, int len) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(ByteBuffer.wrap(b, off, len)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return new String(b, off, len, StandardCharsets.UTF_8);
        }
    }
}
