package dev.ndjsonparquet.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The install steps of the README and the chart README, followed on paper: the spark-operator values they give are
 * the examples' and watch the chart's job namespace, the namespaces file applied first holds that namespace, the
 * chart's own install command sets every value the pipeline needs (its NOTES warn about nothing), and the
 * prerequisites name the autoscaler of each capacity path.
 */
class InstallDocsTest {

    private static final String VALUES_MARK = "# spark-operator values for ndjson-parquet";

    private static String read(Path p) throws IOException {
        return Files.readString(p);
    }

    /** The YAML block that starts with {@link #VALUES_MARK}, indentation removed. */
    private static JsonNode sparkOperatorValues(Path doc) throws IOException {
        String text = read(doc);
        int mark = text.indexOf(VALUES_MARK);
        assertTrue(mark > 0, doc + " gives spark-operator's values");
        int lineStart = text.lastIndexOf('\n', mark) + 1;
        String indent = text.substring(lineStart, mark);
        int end = text.indexOf("```", mark);
        StringBuilder yaml = new StringBuilder();
        for (String line : text.substring(lineStart, end).split("\n")) {
            yaml.append(line.startsWith(indent) ? line.substring(indent.length()) : line.strip()).append('\n');
        }
        return Yaml.read(yaml.toString());
    }

    private static JsonNode exampleSparkOperatorValues() throws IOException {
        return Yaml.read(read(Repo.root().resolve("examples/argocd/apps/spark-operator.yaml")))
                .path("spec").path("source").path("helm").path("valuesObject");
    }

    @Test
    void theSparkOperatorValuesAreTheExamplesAndWatchTheJobNamespace() throws IOException {
        JsonNode example = exampleSparkOperatorValues();
        for (Path doc : List.of(Repo.root().resolve("README.md"), Repo.chart().resolve("README.md"))) {
            assertEquals(example, sparkOperatorValues(doc), doc.toString());
        }
        String jobNs = Chart.sparkApplicationTemplate(Chart.render()).path("metadata").path("namespace").asString();
        List<String> watched = new ArrayList<>();
        example.path("spark").path("jobNamespaces").forEach(n -> watched.add(n.asString()));
        assertEquals(List.of(jobNs), watched);
        // The chart creates the ServiceAccounts and the driver's Role: spark-operator must not (they would clash).
        assertFalse(example.path("spark").path("serviceAccount").path("create").asBoolean(true));
        assertFalse(example.path("spark").path("rbac").path("create").asBoolean(true));
        // No webhook, or one whose outage does not refuse the pipeline's pods.
        assertTrue(!example.path("webhook").path("enable").asBoolean(true)
                || example.path("webhook").path("failurePolicy").asString().equals("Ignore"), example.toString());
    }

    /**
     * spark-operator's chart creates Roles in each watched namespace, so the job namespace must exist before it:
     * the file applied first holds it, restricted, and the chart does not create it a second time by default.
     */
    @Test
    void theJobNamespaceIsAppliedBeforeSparkOperatorAndOwnedOnce() throws IOException {
        String readme = read(Repo.root().resolve("README.md"));
        int namespaces = readme.indexOf("kubectl apply -f manifests/k8s/namespace.yaml");
        int operator = readme.indexOf("helm install spark-operator");
        int chart = readme.indexOf("6. **Install the chart**");
        assertTrue(namespaces > 0 && namespaces < operator && operator < chart, "namespaces, spark-operator, the chart");
        String jobNs = Chart.sparkApplicationTemplate(Chart.render()).path("metadata").path("namespace").asString();
        JsonNode ns = Chart.find(Yaml.readAll(read(Repo.manifests().resolve("namespace.yaml"))), "Namespace", jobNs);
        assertEquals("restricted", ns.path("metadata").path("labels").path("pod-security.kubernetes.io/enforce").asString());
        assertTrue(Chart.ofKind(Chart.render(), "Namespace").isEmpty(), "the chart must not create it again (Helm refuses an existing one)");
    }

    /**
     * The chart README's helm install command, its {@code --set} flags read as Helm reads them (keys split on
     * unescaped dots, {@code {a,b}} a list, shell quotes removed): a complete install, the NOTES warn about nothing.
     */
    @Test
    void theChartReadmesInstallCommandSetsEverythingThePipelineNeeds() throws IOException {
        String readme = read(Repo.chart().resolve("README.md"));
        int start = readme.indexOf("helm install ndjson-parquet charts/ndjson-parquet");
        assertTrue(start > 0);
        String command = readme.substring(start, readme.indexOf("```", start)).replace("\\\n", " ");
        ObjectNode values = Yaml.MAPPER.createObjectNode();
        Matcher m = Pattern.compile("--set ('[^']*'|\\S+)").matcher(command);
        int sets = 0;
        while (m.find()) {
            String assignment = m.group(1).replaceAll("^'|'$", "").replace("\"", "");
            int eq = assignment.indexOf('=');
            String[] path = assignment.substring(0, eq).split("(?<!\\\\)\\.");
            ObjectNode at = values;
            for (int i = 0; i < path.length - 1; i++) {
                at = at.has(path[i]) ? (ObjectNode) at.get(path[i]) : at.putObject(path[i]);
            }
            String key = path[path.length - 1].replace("\\.", ".");
            String value = assignment.substring(eq + 1);
            if (value.startsWith("{") && value.endsWith("}")) {
                var list = at.putArray(key);
                for (String item : value.substring(1, value.length() - 1).split(",")) {
                    list.add(item);
                }
            } else {
                at.put(key, value);
            }
            sets++;
        }
        assertTrue(sets >= 10, command);
        Path file = Files.createTempFile("readme-install-", ".yaml");
        String notes;
        try {
            Files.writeString(file, Yaml.write(values));
            notes = NotesTest.notes(file);
        } finally {
            Files.deleteIfExists(file);
        }
        assertFalse(notes.contains("WARNING"), notes);
        assertTrue(notes.contains("kubectl get sparkapplications -n ndjson-parquet-jobs"), notes);
    }

    @Test
    void eachCapacityPathNamesItsAutoscaler() throws IOException {
        String chartReadme = read(Repo.chart().resolve("README.md"));
        String prerequisites = chartReadme.substring(chartReadme.indexOf("## Prerequisites"), chartReadme.indexOf("## Install"));
        assertTrue(prerequisites.contains("Cluster Autoscaler") && prerequisites.contains("capacityTypeLabels: eks"), prerequisites);
        assertTrue(prerequisites.contains("Karpenter") && prerequisites.contains("interruption queue"), prerequisites);
        String readme = read(Repo.root().resolve("README.md"));
        String capacity = readme.substring(readme.indexOf("2. **Capacity.**"), readme.indexOf("3. **IAM roles**"));
        assertTrue(capacity.contains("Cluster Autoscaler") && capacity.contains("--expendable-pods-priority-cutoff"), capacity);
    }
}
