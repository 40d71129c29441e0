package dev.ndjsonparquet.controller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestCodec;
import dev.ndjsonparquet.manifest.ManifestFile;
import dev.ndjsonparquet.testsupport.CrdSchemaValidator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RenderCommandTest {

    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int render(Map<String, String> env, String... args) {
        CommandLine cli = new CommandLine(new RenderCommand(env));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private Path manifestFile() throws Exception {
        Manifest m = Manifest.of(Instant.parse("2026-01-01T00:00:00Z"),
                List.of(new ManifestFile("s3a://landing/in/a.ndjson", 40L << 30, "e1")), "s3a://lake/out/", null);
        Path p = tmp.resolve("m.json");
        Files.write(p, ManifestCodec.encode(m));
        return p;
    }

    @Test
    void printsAValidSparkApplicationWithoutACluster() throws Exception {
        Path config = tmp.resolve("controller.properties");
        // The controller's own config file: keys render does not use are ignored.
        Files.writeString(config, "manifest-queue-url=http://sqs/q\nmax-executors=2\njob-namespace=jobs\n");
        int code = render(Map.of("SPARK_APP_ARGS", "--compression zstd"), "--manifest", manifestFile().toString(),
                "--manifest-uri", "s3://manifests/m.json", "--config", config.toString());
        assertEquals(0, code, err::toString);
        String yaml = out.toString();
        CrdSchemaValidator.forSharedCrd("sparkoperator.k8s.io_sparkapplications.yaml").assertValid(yaml);
        String plain = yaml.replace("\"", "");
        assertTrue(plain.contains("name: np-m-"), yaml);
        assertTrue(plain.contains("namespace: jobs"), yaml);
        assertTrue(plain.contains("instances: 2"), yaml);
        String pin = dev.ndjsonparquet.manifest.ManifestBytes.sha256(Files.readAllBytes(manifestFile()));
        assertTrue(plain.contains("- s3://manifests/m.json\n  - --attempt\n  - 1\n  - --manifest-sha256\n  - " + pin
                + "\n  - --compression\n  - zstd"), yaml);
    }

    @Test
    void rendersTheApacheOperatorsApplicationStrictlyValidWithTheSamePlacement() throws Exception {
        int code = render(Map.of(), "--manifest", manifestFile().toString(), "--manifest-uri", "s3://manifests/m.json",
                "--spark-operator", "apache", "--job-namespace", "jobs", "--max-executors", "2");
        assertEquals(0, code, err::toString);
        String yaml = out.toString();
        CrdSchemaValidator.forSharedCrd("sparkapplications.spark.apache.org-v1.yaml").assertValid(yaml);
        Map<String, Object> app = new io.fabric8.kubernetes.client.utils.KubernetesSerialization().unmarshal(yaml, Map.class);
        assertEquals("spark.apache.org/v1", app.get("apiVersion"));
        Map<?, ?> spec = (Map<?, ?>) app.get("spec");
        assertEquals("2", ((Map<?, ?>) spec.get("sparkConf")).get("spark.executor.instances"));
        assertEquals(Map.of("eks.amazonaws.com/capacityType", "SPOT"),
                ((Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) spec.get("executorSpec")).get("podTemplateSpec")).get("spec")).get("nodeSelector"));
        assertEquals(Map.of("eks.amazonaws.com/capacityType", "ON_DEMAND"),
                ((Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) spec.get("driverSpec")).get("podTemplateSpec")).get("spec")).get("nodeSelector"));
        assertEquals("Never", ((Map<?, ?>) ((Map<?, ?>) spec.get("applicationTolerations")).get("restartConfig")).get("restartPolicy"));
    }

    @Test
    void anUnknownOperatorIsRefusedAtStartUp() throws Exception {
        int code = render(Map.of("SPARK_OPERATOR", "volcano"), "--manifest", manifestFile().toString());
        assertEquals(2, code);
        assertTrue(err.toString().contains("spark-operator"), err::toString);
    }

    @Test
    void badSettingsAreAllListed() throws Exception {
        int code = render(Map.of(), "--manifest", manifestFile().toString(), "--min-executors", "0", "--bytes-per-executor-gb", "x");
        assertEquals(2, code);
        assertTrue(err.toString().contains("min-executors") && err.toString().contains("bytes-per-executor-gb"), err::toString);
    }

    @Test
    void anInvalidManifestIsRefusedWithItsProblems() throws Exception {
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, Files.readString(manifestFile()).replace("\"version\" : 1", "\"version\" : 7"));
        assertEquals(1, render(Map.of(), "--manifest", bad.toString()));
        assertTrue(err.toString().contains("unknown version 7"), err::toString);
    }

    private Path templateWithDriverEnv(String entries) throws Exception {
        String builtIn;
        try (var in = RenderCommandTest.class.getResourceAsStream("/spark-application-template.yaml")) {
            builtIn = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        Path template = tmp.resolve("template.yaml");
        Files.writeString(template, builtIn.replace("  sparkConf:\n", "  sparkConf:\n" + entries));
        return template;
    }

    @Test
    void badConversionSettingsInTheTemplateAreAllListed() throws Exception {
        Path template = templateWithDriverEnv("    spark.kubernetes.driverEnv.PARQUET_COMPRESSION: \"brotli\"\n"
                + "    spark.kubernetes.driverEnv.SCHEMA_MISMATCH: \"drop\"\n");
        int code = render(Map.of("SPARK_APPLICATION_TEMPLATE", template.toString()), "--manifest", manifestFile().toString());
        assertEquals(2, code, out::toString);
        assertTrue(err.toString().contains("compression") && err.toString().contains("schema-mismatch"), err::toString);
        assertTrue(out.toString().isEmpty(), "nothing rendered from a template the driver would refuse");
    }

    @Test
    void aConversionSettingWithSpacesReachesTheDriverWhole() throws Exception {
        String ddl = "id BIGINT, ts TIMESTAMP, tags ARRAY<STRING>";
        Path template = templateWithDriverEnv("    spark.kubernetes.driverEnv.SCHEMA: \"" + ddl + "\"\n");
        int code = render(Map.of("SPARK_APPLICATION_TEMPLATE", template.toString()), "--manifest", manifestFile().toString());
        assertEquals(0, code, err::toString);
        assertTrue(out.toString().contains(ddl), out::toString);
        assertTrue(out.toString().replace("\"", "").contains("- --manifest\n  - file:"), "the arguments stay --manifest <uri>: " + out);
    }
}
