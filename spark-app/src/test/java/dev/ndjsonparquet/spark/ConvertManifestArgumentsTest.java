package dev.ndjsonparquet.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The dispatcher passes {@code --attempt <n>} after {@code --manifest <uri>} (absent, the run is attempt 1), then the
 * manifest's pin and the allow-lists ({@code DriverChecks}).
 */
class ConvertManifestArgumentsTest {

    @Test
    void theAttemptIsReadAndDefaultsToOne() {
        CommandLine cl = ConvertManifest.commandLine();
        cl.parseArgs("--manifest", "s3a://b/m.json", "--attempt", "3");
        assertEquals(3, ((ConvertManifest) cl.getCommand()).attempt);
        CommandLine plain = ConvertManifest.commandLine();
        plain.parseArgs("--manifest", "s3a://b/m.json");
        assertEquals(1, ((ConvertManifest) plain.getCommand()).attempt);
    }

    @Test
    void anAttemptBelowOneAndMissingAllowListsAreAllRefusedBeforeSparkStarts() {
        CommandLine cl = ConvertManifest.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        assertEquals(2, cl.execute("--manifest", "s3a://b/m.json", "--attempt", "0"));
        assertTrue(err.toString().contains("--attempt must be 1 or more"), err.toString());
        assertTrue(err.toString().contains("allowed-inputs") && err.toString().contains("allowed-outputs"),
                "a driver that does not know what it may read and write does not start: " + err);
    }

    @Test
    void thePinAndTheAllowListsTheDispatcherPassesAreRead() {
        CommandLine cl = ConvertManifest.commandLine();
        cl.parseArgs("--manifest", "s3a://b/m.json", "--attempt", "2", "--manifest-sha256", "ab12",
                "--allowed-inputs", "s3://landing/in/", "--allowed-outputs", "s3a://lake/out/", "--allowed-schemas", "s3a://lake/s/");
        assertEquals("ab12", ((ConvertManifest) cl.getCommand()).manifestSha256);
        assertTrue(cl.getParseResult().hasMatchedOption("--allowed-inputs"));
    }
}
