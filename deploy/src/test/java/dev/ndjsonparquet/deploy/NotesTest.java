package dev.ndjsonparquet.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** NOTES.txt (shown after helm install) tells how to watch the work and which required values are still empty. */
class NotesTest {

    static String notes(Path... values) {
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
        assertTrue(out.contains("kubectl get sparkapplications -n ndjson-parquet-jobs -l ndjson-parquet.dev/release=ndjson-parquet"), out);
        assertTrue(out.contains("WARNING") && out.contains("queues.manifestUrl") && out.contains("storage.allowedInputs"), out);
    }

    @Test
    void withCompleteValuesItPointsAtTheJobNamespaceAndDoesNotWarn() {
        String out = notes(Chart.values("all-on.yaml"));
        assertTrue(out.contains("kubectl get sparkapplications -n spark-jobs -l ndjson-parquet.dev/release=ndjson-parquet"), out);
        assertTrue(out.contains("Karpenter"), out);
        assertFalse(out.contains("WARNING"), out);
    }

    @Test
    void theNotesShowTheKedaArithmeticForTheseValues() {
        String out = notes(Chart.values("all-on.yaml"));
        // 16 GiB per executor, 4000 MiB files, 100 files a manifest: ceil(400,000 / 16,384) = 25 executors a full
        // manifest, one for a single file, 50 at most (PlaceholderArithmeticTest checks every row against the dispatcher).
        assertTrue(out.contains("a full manifest gets 25"), out);
        assertTrue(out.contains("  1 held files -> 1 placeholders"), out);
        assertTrue(out.contains("100 held files -> 25 placeholders"), out);
        assertTrue(out.contains("250 held files -> 50 placeholders"), out);
        assertTrue(out.contains("ingest queue \"https://sqs.eu-west-1.amazonaws.com/123456789012/ndjson-ingest\""), out);
    }
}
