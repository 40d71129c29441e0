package dev.ndjsonparquet.controller.aws;

import dev.ndjsonparquet.manifest.AttemptMarkers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Reads the attempt markers the Spark application's drivers leave under a manifest's output
 * ({@link AttemptMarkers}): {@code s3://} and {@code s3a://} through S3 (ListObjectsV2 under the manifest's
 * marker folder, so the dispatcher's role needs {@code s3:ListBucket} on the output buckets), {@code file:}
 * from disk (local runs; the output was checked against {@code allowed-outputs} first). A folder or bucket that
 * does not exist holds no marker; any other error is thrown as it comes, for the caller to wait on S3. Not
 * final so that tests can fault it.
 */
public class AttemptMarkerReader {

    private final S3Client s3;

    /** @param s3 the S3 client, or null when only {@code file:} outputs are expected */
    public AttemptMarkerReader(S3Client s3) {
        this.s3 = s3;
    }

    /** A reader through the same S3 client as the manifest loader. */
    public static AttemptMarkerReader sharingClientOf(ManifestLoader manifests) {
        return new AttemptMarkerReader(manifests.s3());
    }

    /** The highest attempt number of the markers under {@code output} for {@code manifestId}; 0 when there is none. */
    public int highestAttempt(String output, String manifestId) {
        URI uri = URI.create(output);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        return switch (scheme) {
            case "s3", "s3a" -> fromS3(uri, manifestId);
            case "file" -> fromFiles(uri, manifestId);
            default -> throw new IllegalArgumentException("output " + output + " has scheme '" + scheme + "'; expected s3, s3a or file");
        };
    }

    private int fromS3(URI output, String manifestId) {
        if (s3 == null) {
            throw new IllegalStateException("no S3 client configured to read the attempt markers under " + output);
        }
        String root = output.getPath() == null ? "" : output.getPath().replaceFirst("^/+", "");
        String prefix = (root.isEmpty() || root.endsWith("/") ? root : root + "/") + AttemptMarkers.folder(manifestId) + "/";
        try {
            return s3.listObjectsV2Paginator(r -> r.bucket(output.getHost()).prefix(prefix)).contents().stream()
                    .map(S3Object::key)
                    .mapToInt(key -> attemptOf(key.substring(key.lastIndexOf('/') + 1)))
                    .max().orElse(0);
        } catch (NoSuchBucketException e) {
            return 0;
        }
    }

    private static int fromFiles(URI output, String manifestId) {
        Path folder = Path.of(output).resolve(AttemptMarkers.folder(manifestId));
        try (Stream<Path> files = Files.list(folder)) {
            return files.mapToInt(p -> attemptOf(p.getFileName().toString())).max().orElse(0);
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the attempt markers in " + folder, e);
        }
    }

    private static int attemptOf(String fileName) {
        return AttemptMarkers.parse(fileName).map(AttemptMarkers.Name::attempt).orElse(0);
    }
}
