package dev.ndjsonparquet.spark.write;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.apache.parquet.bytes.ByteBufferAllocator;

/**
 * Heap buffers for parquet-java's page buffers, recycled within a task: the column writers free and
 * re-allocate their slabs at every page, and a fresh heap buffer is zeroed each time (a few per cent of
 * the write path's CPU in the profile). Released buffers are kept by capacity, up to {@link #MAX_POOLED}
 * bytes, and handed out again. One per task; synchronized, because a failing task's writers may be
 * closed by Spark's task-completion listener while the task thread still releases pages (seen as a
 * ConcurrentModificationException when a manifest failed mid-write).
 */
final class RecyclingAllocator implements ByteBufferAllocator {

    static final long MAX_POOLED = 64L << 20;

    private final Map<Integer, ArrayDeque<ByteBuffer>> free = new HashMap<>();
    private long pooled;

    @Override
    public synchronized ByteBuffer allocate(int size) {
        ArrayDeque<ByteBuffer> q = free.get(size);
        ByteBuffer b = q == null ? null : q.poll();
        if (b == null) {
            return ByteBuffer.allocate(size);
        }
        pooled -= size;
        b.clear();
        return b;
    }

    @Override
    public synchronized void release(ByteBuffer b) {
        if (b.isDirect() || !b.hasArray() || pooled + b.capacity() > MAX_POOLED) {
            return;
        }
        pooled += b.capacity();
        free.computeIfAbsent(b.capacity(), k -> new ArrayDeque<>()).push(b);
    }

    @Override
    public boolean isDirect() {
        return false;
    }
}
