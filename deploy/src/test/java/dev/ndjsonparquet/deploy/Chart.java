package dev.ndjsonparquet.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/** Renders and lints the chart with helm-java (Helm's library, no binary), as the release the raw manifests use. */
final class Chart {

    static final String RELEASE = "ndjson-parquet";
    static final String NAMESPACE = "ndjson-parquet";
    /** The Kubernetes version of the schemas in ../shared/k8s-schemas. */
    static final String KUBE_VERSION = "1.34.0";

    private Chart() {
    }

    /** A values file under src/test/resources/values/. */
    static Path values(String name) {
        Path p = Repo.root().resolve("deploy/src/test/resources/values").resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("no values file " + p);
        }
        return p;
    }

    /** {@code helm template} output (objects only; NOTES are not part of it). Throws with Helm's message on failure. */
    static String template(Path... valuesFiles) {
        return templateAs(RELEASE, NAMESPACE, valuesFiles);
    }

    /** {@code helm template} as another release, in another namespace. */
    static String templateAs(String release, String namespace, Path... valuesFiles) {
        TemplateCommand cmd = new Helm(Repo.chart()).template().withName(release).withNamespace(namespace).withKubeVersion(KUBE_VERSION);
        for (Path v : valuesFiles) {
            cmd = cmd.withValuesFile(v);
        }
        return cmd.call();
    }

    /** The rendered objects, parsed. */
    static List<JsonNode> render(Path... valuesFiles) {
        return Yaml.readAll(template(valuesFiles));
    }

    /** Renders with values given as YAML text (written to a temporary file). */
    static String templateWith(String valuesYaml) {
        return templateWith(valuesYaml, new Path[0]);
    }

    /** Renders with the values files and then values given as YAML text (which win). */
    static String templateWith(String valuesYaml, Path... valuesFiles) {
        return templateAsWith(RELEASE, NAMESPACE, valuesYaml, valuesFiles);
    }

    /** Renders as another release with the values files and then values given as YAML text (which win). */
    static String templateAsWith(String release, String namespace, String valuesYaml, Path... valuesFiles) {
        Path file = null;
        try {
            file = Files.createTempFile("values-", ".yaml");
            Files.writeString(file, valuesYaml);
            Path[] all = java.util.Arrays.copyOf(valuesFiles, valuesFiles.length + 1);
            all[valuesFiles.length] = file;
            return templateAs(release, namespace, all);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (file != null) {
                file.toFile().delete();
            }
        }
    }

    /**
     * {@code helm lint --strict}. helm-java's lint takes no values, so with an overlay the chart is copied to a
     * temporary directory whose values.yaml is the chart's defaults merged with the overlay.
     */
    static LintResult lintStrict(Path overlay) {
        if (overlay == null) {
            return new Helm(Repo.chart()).lint().strict().call();
        }
        try {
            Path copy = Files.createTempDirectory("chart-").resolve("ndjson-parquet");
            copyTree(Repo.chart(), copy);
            JsonNode merged = Yaml.merge(Yaml.read(Files.readString(Repo.chart().resolve("values.yaml"))),
                    Yaml.read(Files.readString(overlay)));
            Files.writeString(copy.resolve("values.yaml"), Yaml.write(merged));
            return new Helm(copy).lint().strict().call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String describe(LintResult result) {
        return result.getMessages().stream().filter(Objects::nonNull).collect(Collectors.joining("\n"));
    }

    /** Copies a directory tree (creating {@code to}). */
    static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()));
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Objects of one kind. */
    static List<JsonNode> ofKind(List<JsonNode> objects, String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asString())).toList();
    }

    /** The one object of a kind and name. */
    static JsonNode find(List<JsonNode> objects, String kind, String name) {
        return objects.stream()
                .filter(o -> kind.equals(o.path("kind").asString()) && name.equals(o.path("metadata").path("name").asString()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    /** The SparkApplication template the dispatcher mounts, parsed from its ConfigMap. */
    static JsonNode sparkApplicationTemplate(List<JsonNode> objects) {
        JsonNode cm = find(objects, "ConfigMap", RELEASE + "-sparkapplication");
        return Yaml.read(cm.path("data").path("sparkapplication.yaml").asString());
    }
}
