package dev.ndjsonparquet.spark.source;

import org.apache.hadoop.conf.Configuration;

/**
 * The version of one input file that a manifest converts: the one the driver planned against. Every
 * task opens its split of the file pinned to this version, so two splits of one file cannot read two
 * different versions of it.
 *
 * @param path             the file, as a Hadoop path string (the key tasks look it up by)
 * @param length           its length in bytes when planned
 * @param modificationTime its modification time when planned (the stand-in for an ETag on file systems without one)
 * @param etag             the ETag the manifest recorded (or the one seen when planning), null when none
 * @param versionId        the object version the manifest recorded, null when none
 */
public record SourcePin(String path, long length, long modificationTime, String etag, String versionId)
        implements java.io.Serializable {

    private static final String PREFIX = "ndjsonparquet.source.pin.";

    /**
     * A copy of a Hadoop configuration carrying these pins, for a caller that opens by path only
     * ({@link PinnedSource#open(org.apache.hadoop.fs.Path, Configuration)}). The conversion tasks do not
     * use it: each split carries its own file's pin ({@code FileSplitRange#pin}), because pins of every
     * file in the job's configuration made every task's closure grow with the manifest (1.7 MB for 3,000 files).
     */
    public static Configuration carry(Configuration base, Iterable<SourcePin> pins) {
        Configuration c = new Configuration(base);
        for (SourcePin p : pins) {
            String k = PREFIX + p.path() + ".";
            c.setLong(k + "length", p.length());
            c.setLong(k + "mtime", p.modificationTime());
            if (p.etag() != null) {
                c.set(k + "etag", p.etag());
            }
            if (p.versionId() != null) {
                c.set(k + "version", p.versionId());
            }
        }
        return c;
    }

    /** The pin of a path in the configuration, or null when the driver pinned none (a plain open). */
    public static SourcePin find(Configuration c, String path) {
        String k = PREFIX + path + ".";
        long length = c.getLong(k + "length", -1);
        if (length < 0) {
            return null;
        }
        return new SourcePin(path, length, c.getLong(k + "mtime", 0), c.get(k + "etag"), c.get(k + "version"));
    }
}
