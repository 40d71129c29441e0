package dev.ndjsonparquet.tools.soak;

import com.github.luben.zstd.ZstdOutputStream;
import dev.ndjsonparquet.controller.builder.StoreUri;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;

/**
 * The soak's input files and what each must become. Pure: content and expectations from a seeded random source. A
 * mix of plain NDJSON, gzip of several members, bzip2 and zstd; bad lines and blank lines among good ones; files
 * below and above the size band; keys with spaces, {@code +}, {@code =}, {@code %}, unicode and colons. Every good
 * line carries an id unique in the round; bad lines are numbered by physical line of the decompressed text.
 */
public final class SoakInputs {

    /** The size band the soak's builder accepts, in bytes. */
    public static final long MIN_BYTES = 100;
    public static final long MAX_BYTES = 64 * 1024;

    /** What the generator may produce; {@code --without} takes some out. */
    public enum Kind { PLAIN, GZIP_MEMBERS, BZIP2, ZSTD, TOO_SMALL, TOO_LARGE, BAD_LINES, ODD_KEYS }

    /**
     * One version of one input object.
     *
     * @param quarantineReason the builder's expected quarantine reason (too-small, too-large), or null when in the band
     */
    public record Version(String key, int version, String compression, byte[] content, List<Long> goodIds,
                          List<Long> badLines, String quarantineReason) {
        public long size() {
            return content.length;
        }
    }

    private static final String[] BAD = {"{\"id\": 17, \"name\": ", "{\"id\":99999999} trailing", "[1,2,3]", "just some text",
            "{\"a\":1}{\"b\":2}", "{\"id\":1,\"id\":2}"};
    private static final String[] ODD = {"with space", "a+b=c", "ünïcødé-日本語", "100% sure", "colon:name"};

    private final Random random;
    private final Set<Kind> kinds;
    private final String prefix;
    private long nextId;

    /**
     * @param firstId the first id of this round (ids never repeat within a round)
     */
    public SoakInputs(long seed, Set<Kind> kinds, String prefix, long firstId) {
        this.random = new Random(seed);
        this.kinds = Set.copyOf(kinds);
        this.prefix = prefix;
        this.nextId = firstId;
    }

    /** The i-th file of the round, version 1. */
    public Version file(int i) {
        double x = random.nextDouble();
        if (x < 0.03 && kinds.contains(Kind.TOO_SMALL)) {
            return version(key(i, ".ndjson"), 1, "none", "{\"id\":0}\n".getBytes(StandardCharsets.UTF_8), List.of(), List.of(),
                    "too-small");
        }
        if (x < 0.05 && kinds.contains(Kind.TOO_LARGE)) {
            Text t = text(1200, false);
            return version(key(i, ".ndjson"), 1, "none", t.bytes(), t.ids, t.bad, "too-large");
        }
        String compression = compression();
        Text t = text(10 + random.nextInt(40), kinds.contains(Kind.BAD_LINES) && random.nextDouble() < 0.3);
        String ext = switch (compression) {
            case "gzip" -> ".ndjson.gz";
            case "bzip2" -> ".jsonl.bz2";
            case "zstd" -> ".ndjson.zst";
            default -> random.nextBoolean() ? ".ndjson" : ".json";
        };
        return version(key(i, ext), 1, compression, compress(compression, t.bytes()), t.ids, t.bad, null);
    }

    /** A new version of {@code old} (plain, no bad lines): its object is overwritten after it was announced. */
    public Version overwrite(Version old) {
        Text t = text(10 + random.nextInt(30), false);
        return version(old.key(), old.version() + 1, "none", t.bytes(), t.ids, t.bad, null);
    }

    /** The S3 ObjectCreated notification of a version, as S3 sends it to SQS (the key URL-encoded, a space as '+'). */
    public static String notification(String bucket, Version v, String etag) {
        return """
                {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1","eventTime":"2026-11-26T00:00:00.000Z",\
                "eventName":"ObjectCreated:Put","s3":{"s3SchemaVersion":"1.0","bucket":{"name":"%s","arn":"arn:aws:s3:::%s"},\
                "object":{"key":"%s","size":%d,"eTag":"%s","sequencer":"0055AED6DCD90281E5"}}}]}"""
                .formatted(bucket, bucket, URLEncoder.encode(v.key(), StandardCharsets.UTF_8).replace("%2F", "/"), v.size(), etag);
    }

    /** The URI a manifest gives the object. */
    public static String uri(String bucket, String key) {
        return new StoreUri(bucket, key).toUri("s3a");
    }

    private String compression() {
        List<String> c = new ArrayList<>();
        if (kinds.contains(Kind.PLAIN)) {
            c.add("none");
            c.add("none");
            c.add("none");
        }
        if (kinds.contains(Kind.GZIP_MEMBERS)) {
            c.add("gzip");
        }
        if (kinds.contains(Kind.BZIP2)) {
            c.add("bzip2");
        }
        if (kinds.contains(Kind.ZSTD)) {
            c.add("zstd");
        }
        return c.isEmpty() ? "none" : c.get(random.nextInt(c.size()));
    }

    private String key(int i, String ext) {
        String name = "part-" + i;
        if (kinds.contains(Kind.ODD_KEYS) && random.nextDouble() < 0.15) {
            name = name + " " + ODD[random.nextInt(ODD.length)];
        }
        return prefix + (i % 7) + "/" + name + ext;
    }

    private Version version(String key, int version, String compression, byte[] content, List<Long> ids, List<Long> bad,
                            String reason) {
        return new Version(key, version, compression, content, List.copyOf(ids), List.copyOf(bad), reason);
    }

    private final class Text {
        final StringBuilder b = new StringBuilder();
        final List<Long> ids = new ArrayList<>();
        final List<Long> bad = new ArrayList<>();

        byte[] bytes() {
            return b.toString().getBytes(StandardCharsets.UTF_8);
        }
    }

    private Text text(int lines, boolean withBad) {
        Text t = new Text();
        long physical = 0;
        int badLeft = withBad ? 1 + random.nextInt(3) : 0;
        for (int i = 0; i < lines; i++) {
            physical++;
            if (badLeft > 0 && random.nextInt(lines) < 3) {
                t.b.append(BAD[random.nextInt(BAD.length)]).append('\n');
                t.bad.add(physical);
                badLeft--;
            } else if (withBad && random.nextInt(lines) == 0) {
                t.b.append('\n'); // a blank line: neither a row nor a bad record
            } else {
                long id = nextId++;
                t.b.append("{\"id\":").append(id).append(",\"source\":\"soak\",\"amount\":").append(id * 7 % 1000)
                        .append(".5,\"tags\":[\"a\",\"b\"],\"nested\":{\"ok\":").append(id % 2 == 0).append("}}\n");
                t.ids.add(id);
            }
        }
        return t;
    }

    private byte[] compress(String compression, byte[] text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            switch (compression) {
                case "gzip" -> {
                    // Several members, as concatenated gzip files are: each member holds a run of whole or cut lines.
                    int members = 2 + random.nextInt(4);
                    int from = 0;
                    for (int m = 0; m < members; m++) {
                        int to = m == members - 1 ? text.length : Math.min(text.length, from + random.nextInt(text.length / members + 1) + 1);
                        try (GZIPOutputStream gz = new GZIPOutputStream(nonClosing(out))) {
                            gz.write(text, from, to - from);
                        }
                        from = to;
                    }
                }
                case "bzip2" -> {
                    try (BZip2CompressorOutputStream bz = new BZip2CompressorOutputStream(out)) {
                        bz.write(text);
                    }
                }
                case "zstd" -> {
                    try (ZstdOutputStream z = new ZstdOutputStream(out)) {
                        z.write(text);
                    }
                }
                default -> out.write(text);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static OutputStream nonClosing(OutputStream out) {
        return new java.io.FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }
}
