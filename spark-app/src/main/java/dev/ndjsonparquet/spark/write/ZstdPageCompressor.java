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
    private byte[] out = new byte[0];

    ZstdPageCompressor(int level) {
        this.ctx = new ZstdCompressCtx().setLevel(level);
    }

    @Override
    public BytesInput compress(BytesInput bytes) throws IOException {
        byte[] in = bytes.toByteArray();
        int bound = (int) Zstd.compressBound(in.length);
        if (out.length < bound) {
            out = new byte[bound];
        }
        int n = ctx.compressByteArray(out, 0, out.length, in, 0, in.length);
        // The page store copies the bytes before the next page is compressed.
        return BytesInput.from(out, 0, n);
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
