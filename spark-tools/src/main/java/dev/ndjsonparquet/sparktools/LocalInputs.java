package dev.ndjsonparquet.sparktools;

import dev.ndjsonparquet.manifest.ManifestFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Local inputs as manifest files: a file as itself, a directory as every regular file directly in it
 * whose name does not start with {@code .} or {@code _} (Hadoop's convention), whatever its extension.
 */
final class LocalInputs {

    private LocalInputs() {
    }

    /** The files, or an exception that lists every input that does not exist. */
    static List<ManifestFile> expand(List<Path> inputs) throws IOException {
        List<String> missing = new ArrayList<>();
        List<ManifestFile> files = new ArrayList<>();
        for (Path in : inputs) {
            Path p = in.toAbsolutePath().normalize();
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    for (Path f : s.filter(Files::isRegularFile).filter(LocalInputs::visible).sorted().toList()) {
                        files.add(new ManifestFile(f.toUri().toString(), Files.size(f), null));
                    }
                }
            } else if (Files.isRegularFile(p)) {
                files.add(new ManifestFile(p.toUri().toString(), Files.size(p), null));
            } else {
                missing.add(in.toString());
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("input not found: " + String.join(", ", missing));
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no input files in " + inputs);
        }
        return files;
    }

    private static boolean visible(Path f) {
        String n = f.getFileName().toString();
        return !n.startsWith(".") && !n.startsWith("_");
    }
}
