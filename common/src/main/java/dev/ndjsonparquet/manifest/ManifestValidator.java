package dev.ndjsonparquet.manifest;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Checks a decoded manifest against the contract and lists every problem at once. */
public final class ManifestValidator {

    /** URI schemes a manifest may reference. {@code s3} is read as {@code s3a}. */
    public static final Set<String> ALLOWED_SCHEMES = Set.of("s3a", "s3", "file");

    private ManifestValidator() {
    }

    public static List<String> problems(Manifest m) {
        List<String> problems = new ArrayList<>();
        if (m.version() != Manifest.CURRENT_VERSION) {
            problems.add("unknown version " + m.version() + " (this build understands version " + Manifest.CURRENT_VERSION + ")");
        }
        if (!ManifestIds.isDnsSafe(m.manifestId())) {
            problems.add("manifestId '" + m.manifestId() + "' is not DNS-safe (lower-case letters, digits and '-', "
                    + "starting and ending with a letter or digit, at most " + ManifestIds.MAX_LENGTH + " characters)");
        }
        if (m.createdAt() == null) {
            problems.add("createdAt is missing");
        }
        uriProblem("output", m.output()).ifPresent(problems::add);
        if (m.schema() != null) {
            uriProblem("schema", m.schema()).ifPresent(problems::add);
        }
        if (m.files() == null || m.files().isEmpty()) {
            problems.add("files is empty: a manifest has at least one file");
        } else {
            fileProblems(m, problems);
        }
        return problems;
    }

    public static Manifest requireValid(Manifest m) {
        List<String> problems = problems(m);
        if (!problems.isEmpty()) {
            throw new InvalidManifestException(problems);
        }
        return m;
    }

    private static void fileProblems(Manifest m, List<String> problems) {
        Set<String> seen = new HashSet<>();
        long sum = 0;
        for (int i = 0; i < m.files().size(); i++) {
            ManifestFile f = m.files().get(i);
            String where = "files[" + i + "]";
            if (f == null) {
                problems.add(where + " is null");
                continue;
            }
            uriProblem(where + ".uri", f.uri()).ifPresent(problems::add);
            if (f.size() < 0) {
                problems.add(where + ".size is negative (" + f.size() + ")");
            }
            if (f.uri() != null && !seen.add(normalize(f.uri()))) {
                problems.add(where + ".uri duplicates an earlier file: " + f.uri());
            }
            sum += f.size();
        }
        if (sum != m.totalBytes()) {
            problems.add("totalBytes is " + m.totalBytes() + " but the files add up to " + sum);
        }
    }

    private static java.util.Optional<String> uriProblem(String field, String value) {
        if (value == null || value.isBlank()) {
            return java.util.Optional.of(field + " is missing");
        }
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
            if (scheme == null || !ALLOWED_SCHEMES.contains(scheme)) {
                return java.util.Optional.of(field + " '" + value + "' has scheme " + scheme + "; allowed: s3a, s3, file");
            }
            if (!"file".equals(scheme) && (uri.getHost() == null || uri.getHost().isEmpty())) {
                return java.util.Optional.of(field + " '" + value + "' names no bucket");
            }
            return java.util.Optional.empty();
        } catch (URISyntaxException e) {
            return java.util.Optional.of(field + " '" + value + "' is not a URI: " + e.getReason());
        }
    }

    /** s3:// and s3a:// name the same object. */
    static String normalize(String uri) {
        return uri.startsWith("s3://") ? "s3a://" + uri.substring("s3://".length()) : uri;
    }
}
