package dev.ndjsonparquet.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** NOTES.txt (shown after helm install) tells how to watch the work and which required values are still empty. */
class NotesTest {

    private static String notes(Path... values) {
        InstallCommand install = new Helm(Repo.chart()).install().withName(Chart.RELEASE).withNamespace(Chart.NAMESPACE)
                .withKubeVersion(Chart.KUBE_VERSION).dryRun().clientOnly();
        for (Path v : values) {
            install = install.withValuesFile(v);
        }
        return install.call().getOutput();
    }

    @Test
    void withDefaultsItShowsHowToWatchAndWarnsAboutEmptySettings() {
        String out = notes();
        assertTrue(out.contains("kubectl get sparkapplications -n ndjson-parquet -l app.kubernetes.io/part-of=ndjson-parquet"), out);
        assertTrue(out.contains("WARNING") && out.contains("queues.manifestUrl") && out.contains("storage.allowedInputs"), out);
    }

    @Test
    void withCompleteValuesItPointsAtTheJobNamespaceAndDoesNotWarn() {
        String out = notes(Chart.values("all-on.yaml"));
        assertTrue(out.contains("kubectl get sparkapplications -n spark-jobs -l app.kubernetes.io/part-of=ndjson-parquet"), out);
        assertTrue(out.contains("Karpenter"), out);
        assertFalse(out.contains("WARNING"), out);
    }
}
