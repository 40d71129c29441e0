package dev.ndjsonparquet.spark.job;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local file system, whose reads of a file given a fault fail as a store's would: its first read past a byte
 * offset fails once, with an {@link IOException} (a connection reset) or a RuntimeException (a store client's
 * unchecked error), then reads go on normally. Installed as {@code fs.file.impl} for a test ({@link #install}); the
 * faults are static, as the tasks of Spark's local mode run in the test's JVM.
 */
public final class FlakyFileSystem extends RawLocalFileSystem {

    /** One fault: fail once past {@code afterBytes}, as an IOException or not. */
    public record Fault(long afterBytes, boolean checked, AtomicInteger fired) {
    }

    private static final Map<String, Fault> FAULTS = new ConcurrentHashMap<>();

    public static void failOnce(String fileName, long afterBytes, boolean checked) {
        FAULTS.put(fileName, new Fault(afterBytes, checked, new AtomicInteger()));
    }

    /** How often the fault of the file fired. */
    public static int fired(String fileName) {
        return FAULTS.get(fileName).fired().get();
    }

    public static void clear() {
        FAULTS.clear();
    }

    /** Makes {@code file:} paths of this configuration (and of the tasks' copies) use this file system. */
    public static void install(org.apache.hadoop.conf.Configuration conf) throws IOException {
        conf.set("fs.file.impl", FlakyFileSystem.class.getName());
        conf.setBoolean("fs.file.impl.disable.cache", true);
        org.apache.hadoop.fs.FileSystem.closeAll();
    }

    public static void uninstall(org.apache.hadoop.conf.Configuration conf) throws IOException {
        conf.unset("fs.file.impl");
        conf.unset("fs.file.impl.disable.cache");
        org.apache.hadoop.fs.FileSystem.closeAll();
        FAULTS.clear();
    }

    @Override
    public FSDataInputStream open(Path f, int bufferSize) throws IOException {
        FSDataInputStream real = super.open(f, bufferSize);
        Fault fault = FAULTS.get(f.getName());
        return fault == null ? real : new FSDataInputStream(new Failing(real, fault));
    }

    private static final class Failing extends FSInputStream {
        private final FSDataInputStream in;
        private final Fault fault;

        Failing(FSDataInputStream in, Fault fault) {
            this.in = in;
            this.fault = fault;
        }

        private void maybeFail() throws IOException {
            if (in.getPos() > fault.afterBytes() && fault.fired().compareAndSet(0, 1)) {
                if (fault.checked()) {
                    throw new IOException("connection reset (injected)");
                }
                throw new IllegalStateException("store client failure (injected)");
            }
        }

        @Override
        public int read() throws IOException {
            maybeFail();
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            maybeFail();
            return in.read(b, off, Math.min(len, 4096));
        }

        @Override
        public void seek(long pos) throws IOException {
            in.seek(pos);
        }

        @Override
        public long getPos() throws IOException {
            return in.getPos();
        }

        @Override
        public boolean seekToNewSource(long targetPos) {
            return false;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
