package dev.ndjsonparquet.spark.write;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.io.IOException;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * zstd page compression with one compression context reused for every page of a task (parquet-java's
 * codec opens a stream, and so a context, per page), into one reused output buffer. Frames are
 * standard zstd frames, as any Parquet reader expects.
 */
final class ZstdPageCompressor implements CompressionCodecFactory.BytesInputCompressor {

    private final ZstdCompressCtx ctx;
    private final PageInput in = new PageInput();
    private byte[] out = new byte[0];

    ZstdPageCompressor(int level) {
        this.ctx = new ZstdCompressCtx().setLevel(level);
    }

    @Override
    public BytesInput compress(BytesInput bytes) throws IOException {
        // The page's parts (levels, values) gathered into one reused array: toByteArray() allocated and
        // zeroed a fresh page-sized array per page (1.6% of a conversion's CPU).
        in.reset();
        bytes.writeAllTo(in);
        int bound = (int) Zstd.compressBound(in.size());
        if (out.length < bound) {
            out = new byte[bound];
        }
        int n = ctx.compressByteArray(out, 0, out.length, in.array(), 0, in.size());
        // The page store copies the bytes before the next page is compressed.
        return BytesInput.from(out, 0, n);
    }

    /** A growable output stream whose array is read in place. */
    private static final class PageInput extends java.io.ByteArrayOutputStream {
        PageInput() {
            super(1 << 20);
        }

        byte[] array() {
            return buf;
        }
    }

    @Override
    public CompressionCodecName getCodecName() {
        return CompressionCodecName.ZSTD;
    }

    @Override
    public void release() {
        ctx.close();
    }
}
