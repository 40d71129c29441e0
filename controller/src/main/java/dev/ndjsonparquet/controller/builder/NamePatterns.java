package dev.ndjsonparquet.controller.builder;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Include and exclude globs on object keys. A key is accepted when it matches an include glob and no
 * exclude glob. Glob syntax: {@code *} any text (including '/'), {@code ?} one character,
 * {@code {a,b}} either alternative; matching ignores case and covers the whole key.
 */
public final class NamePatterns {

    /** NDJSON file names, optionally compressed with gzip, bzip2 or zstd. */
    public static final String DEFAULT_INCLUDE = "*.{ndjson,jsonl,json},*.{ndjson,jsonl,json}.{gz,bz2,zst}";

    private final List<Pattern> include;
    private final List<Pattern> exclude;

    private NamePatterns(List<Pattern> include, List<Pattern> exclude) {
        this.include = include;
        this.exclude = exclude;
    }

    public static NamePatterns of(String include, String exclude) {
        return new NamePatterns(compileAll(include), compileAll(exclude));
    }

    public static NamePatterns defaults() {
        return of(DEFAULT_INCLUDE, "");
    }

    public boolean accepts(String key) {
        return include.stream().anyMatch(p -> p.matcher(key).matches())
                && exclude.stream().noneMatch(p -> p.matcher(key).matches());
    }

    /** For the settings check: empty when the globs compile. */
    static Optional<String> problem(String globs) {
        try {
            compileAll(globs);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    private static List<Pattern> compileAll(String globs) {
        List<Pattern> out = new ArrayList<>();
        if (globs == null) {
            return out;
        }
        for (String glob : splitTopLevel(globs)) {
            if (!glob.isBlank()) {
                out.add(Pattern.compile(toRegex(glob.trim()), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL));
            }
        }
        return out;
    }

    /** Splits on commas that are not inside braces. */
    private static List<String> splitTopLevel(String globs) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        StringBuilder current = new StringBuilder();
        for (char c : globs.toCharArray()) {
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
                if (depth < 0) {
                    throw new IllegalArgumentException("'" + globs + "' has an unmatched '}'");
                }
            }
            if (c == ',' && depth == 0) {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        if (depth != 0) {
            throw new IllegalArgumentException("'" + globs + "' has an unmatched '{'");
        }
        parts.add(current.toString());
        return parts;
    }

    static String toRegex(String glob) {
        StringBuilder re = new StringBuilder();
        int braces = 0;
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                case '{' -> {
                    braces++;
                    re.append("(?:");
                }
                case '}' -> {
                    if (braces == 0) {
                        throw new IllegalArgumentException("glob '" + glob + "' has an unmatched '}'");
                    }
                    braces--;
                    re.append(')');
                }
                case ',' -> re.append(braces > 0 ? "|" : ",");
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        if (braces != 0) {
            throw new IllegalArgumentException("glob '" + glob + "' has an unmatched '{'");
        }
        return re.toString();
    }
}
