package dev.ndjsonparquet.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code helm lint --strict}, deterministic output, and no template function that would make ArgoCD see drift. */
class ChartLintTest {

    @Test
    void lintsStrictlyWithDefaultValues() {
        LintResult result = Chart.lintStrict(null);
        assertFalse(result.isFailed(), () -> Chart.describe(result));
    }

    @Test
    void lintsStrictlyWithEveryOptionalPartOn() {
        LintResult result = Chart.lintStrict(Chart.values("all-on.yaml"));
        assertFalse(result.isFailed(), () -> Chart.describe(result));
    }

    @Test
    void rendersTheSameBytesEveryTime() {
        assertEquals(Chart.template(), Chart.template());
        Path allOn = Chart.values("all-on.yaml");
        assertEquals(Chart.template(allOn), Chart.template(allOn));
    }

    @Test
    void templatesUseNoRandomnessClockOrClusterLookup() throws IOException {
        Pattern forbidden = Pattern.compile("\\b(lookup|randAlphaNum|randAlpha|randNumeric|randAscii|randBytes|uuidv4|now|date|dateInZone|genCA|genPrivateKey|genSelfSignedCert|genSignedCert|derivePassword)\\b");
        try (Stream<Path> files = Files.list(Repo.chart().resolve("templates"))) {
            for (Path f : files.toList()) {
                String text = Files.readString(f);
                var m = forbidden.matcher(text.replaceAll("(?s)\\{\\{-?\\s*/\\*.*?\\*/\\s*-?}}", ""));
                assertFalse(m.find(), () -> f.getFileName() + " uses a non-deterministic function");
            }
        }
    }

    @Test
    void everyObjectCarriesTheStandardLabelsAndSelectorsIncludeTheRelease() {
        List<JsonNode> objects = Chart.render(Chart.values("all-on.yaml"));
        assertTrue(objects.size() > 20, "rendered " + objects.size());
        for (JsonNode o : objects) {
            JsonNode labels = o.path("metadata").path("labels");
            String id = o.path("kind").asString() + " " + o.path("metadata").path("name").asString();
            for (String key : List.of("app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/version",
                    "app.kubernetes.io/managed-by", "app.kubernetes.io/part-of", "helm.sh/chart")) {
                assertTrue(labels.has(key), () -> id + " lacks label " + key);
            }
            assertEquals(Chart.RELEASE, labels.path("app.kubernetes.io/instance").asString(), id);
            JsonNode selector = o.path("spec").path("selector");
            JsonNode matchLabels = selector.has("matchLabels") ? selector.path("matchLabels") : selector;
            if (o.path("kind").asString().matches("Deployment|PodDisruptionBudget|Service")) {
                assertEquals(Chart.RELEASE, matchLabels.path("app.kubernetes.io/instance").asString(), () -> id + " selector lacks the instance");
                assertTrue(matchLabels.has("app.kubernetes.io/component"), () -> id + " selector lacks the component");
            }
        }
    }
}
