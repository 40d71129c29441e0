package dev.ndjsonparquet.spark.job;

import dev.ndjsonparquet.conversion.ConversionSettings;
import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestCodec;
import dev.ndjsonparquet.manifest.ManifestFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/** One local Spark session for every test of the module (a session costs seconds to start). */
final class SharedSpark {

    private static SparkSession session;

    private SharedSpark() {
    }

    static synchronized SparkSession get() {
        if (session == null || session.sparkContext().isStopped()) {
            // Two tries a task, as a cluster retries a task whose executor was lost (Spark's default there is 4).
            session = LocalSpark.start(2, 2, "ndjson-parquet tests");
        }
        return session;
    }

    static Path corpus(String name) {
        String shared = System.getProperty("ndjsonparquet.shared", "../../shared");
        Path p = Path.of(shared, "corpus", name);
        if (!Files.exists(p)) {
            p = Path.of("..", "..", "shared", "corpus", name);
        }
        return p.toAbsolutePath().normalize();
    }

    /** Writes a manifest of the given local files into {@code out/_manifests} and returns its URI. */
    static String manifestOf(Path out, Path... files) throws IOException {
        List<ManifestFile> mf = new ArrayList<>();
        for (Path f : files) {
            mf.add(new ManifestFile(f.toUri().toString(), Files.size(f), null));
        }
        Manifest m = Manifest.of(Instant.parse("2026-11-26T00:00:00Z"), mf, out.toUri().toString(), null);
        Path file = out.resolve("_manifests").resolve(m.manifestId() + ".json");
        Files.createDirectories(file.getParent());
        Files.write(file, ManifestCodec.encode(m));
        return file.toUri().toString();
    }

    static ManifestConversion.Outcome convert(ConversionSettings.Values settings, Path out, Path... files)
            throws IOException {
        return new ManifestConversion(get(), settings).run(manifestOf(out, files));
    }
}
