package dev.ndjsonparquet.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ndjsonparquet.controller.dispatch.ApplicationTemplate;
import dev.ndjsonparquet.controller.dispatch.DispatcherSettings;
import dev.ndjsonparquet.controller.dispatch.DriverConversionSettings;
import dev.ndjsonparquet.manifest.ExecutorSizing;
import dev.ndjsonparquet.controller.dispatch.SparkApplicationBuilder;
import dev.ndjsonparquet.controller.k8s.SparkApplication;
import dev.ndjsonparquet.conversion.ConversionSettings;
import dev.ndjsonparquet.conversion.PartitionMode;
import dev.ndjsonparquet.conversion.SchemaMismatch;
import dev.ndjsonparquet.manifest.Manifest;
import dev.ndjsonparquet.manifest.ManifestFile;
import dev.ndjsonparquet.settings.Setting;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The chart's {@code conversion:} block reaches the Spark driver typed and whole: every conversion setting the
 * Spark application declares is a key of the block (and of the values schema), a value given to the chart is
 * what the driver resolves (an inline DDL schema with spaces included), and bad values are refused by the
 * dispatcher's and render's start-up check with every problem listed.
 */
class ConversionSettingsChartTest {

    private static final String DDL = "id BIGINT, ts TIMESTAMP, payload STRUCT<kind: STRING, size: INT>";

    private static Set<String> declaredEnvs() {
        return ConversionSettings.ALL.stream().map(Setting::env).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void everyDeclaredConversionSettingIsAKeyOfTheChartsBlockAndSchema() throws IOException {
        JsonNode values = Yaml.read(Files.readString(Repo.chart().resolve("values.yaml")));
        Set<String> keys = new TreeSet<>();
        values.path("conversion").properties().forEach(e -> keys.add(e.getKey()));
        assertEquals(declaredEnvs(), keys, "values.yaml conversion: keys are the declared environment variables (a new setting in"
                + " ConversionSettings needs a documented key there and a property in values.schema.json, then scripts/render-manifests.sh)");
        JsonNode schema = Yaml.MAPPER.readTree(Files.readString(Repo.chart().resolve("values.schema.json")));
        Set<String> schemaKeys = new TreeSet<>();
        schema.path("properties").path("conversion").path("properties").properties().forEach(e -> schemaKeys.add(e.getKey()));
        assertEquals(declaredEnvs(), schemaKeys, "values.schema.json conversion properties");
        assertEquals(false, schema.path("properties").path("conversion").path("additionalProperties").asBoolean(true),
                "a misspelt conversion key must fail the install");
    }

    private static SparkApplication built(String valuesYaml) {
        List<JsonNode> objects = Yaml.readAll(Chart.templateWith(valuesYaml));
        String yaml = Chart.find(objects, "ConfigMap", Chart.RELEASE + "-sparkapplication").path("data").path("sparkapplication.yaml").asString();
        ApplicationTemplate template = ApplicationTemplate.of("chart", yaml);
        assertEquals(List.of(), template.problems());
        Manifest m = Manifest.of(Instant.parse("2026-11-26T00:00:00Z"),
                List.of(new ManifestFile("s3://landing/events/a.ndjson", 1L << 30, "e1")), "s3a://out/", null);
        return new SparkApplicationBuilder(template, new ExecutorSizing(16, 1, 40), List.of(), "jobs")
                .build(new SparkApplicationBuilder.Request(m, "s3://pipeline/manifests/" + m.manifestId() + ".json", null, 1));
    }

    @Test
    void aSettingGivenToTheChartIsWhatTheDriverResolvesSpacesIncluded() {
        SparkApplication app = built("conversion:\n  SCHEMA: \"" + DDL + "\"\n  SCHEMA_MISMATCH: bad-record\n"
                + "  PARTITION_BY: \"event-date:ts\"\n  TARGET_FILE_SIZE_MB: 512\n");
        assertEquals(DDL, app.getSpec().getSparkConf().get("spark.kubernetes.driverEnv.SCHEMA"));
        // Resolved exactly as the Spark application resolves its settings (environment, then defaults).
        ConversionSettings.Values v = ConversionSettings.Values.from(DriverConversionSettings.resolve(app));
        assertEquals(DDL, v.schema());
        assertEquals(SchemaMismatch.BAD_RECORD, v.mismatch());
        assertEquals(PartitionMode.parse("event-date:ts"), v.partitionBy());
        assertEquals(512L << 20, v.targetFileBytes());
        // Settings not given stay at the application's defaults.
        assertEquals(ConversionSettings.Values.defaults().compression(), v.compression());
        assertEquals(ConversionSettings.Values.defaults().splitBytes(), v.splitBytes());
        // The arguments stay --manifest <uri> --attempt <n>: nothing is split on whitespace.
        List<String> args = app.getSpec().getArguments();
        assertEquals(4, args.size(), args.toString());
        assertEquals(List.of("--manifest", "--attempt", "1"), List.of(args.get(0), args.get(2), args.get(3)));
        // With the chart's defaults the driver gets the application's defaults.
        assertEquals(ConversionSettings.Values.defaults(), ConversionSettings.Values.from(DriverConversionSettings.resolve(built(""))));
    }

    @Test
    void aSecretSettingReachesTheDriverFromASecretNeverFromTheApplication() {
        List<Setting<?>> secrets = ConversionSettings.ALL.stream().filter(Setting::secret).toList();
        assertTrue(!secrets.isEmpty(), "ConversionSettings declares secret settings");
        for (Setting<?> secret : secrets) {
            SparkApplication app = built("conversion:\n  " + secret.env() + ": \"catalog-credentials:properties\"\n");
            Map<String, String> conf = app.getSpec().getSparkConf();
            assertEquals("catalog-credentials:properties", conf.get("spark.kubernetes.driver.secretKeyRef." + secret.env()),
                    secret.env());
            assertTrue(conf.keySet().stream().noneMatch(k -> k.endsWith("driverEnv." + secret.env())), conf.toString());
        }
    }

    @Test
    void theOldWaySplitsASchemaWithSpacesApart() {
        // Why conversion settings no longer travel as SPARK_APP_ARGS: the list is re-split on whitespace.
        List<String> args = DispatcherSettings.SPARK_APP_ARGS.parse("--schema " + DDL);
        assertNotEquals(List.of("--schema", DDL), args);
        assertTrue(args.size() > 2, args.toString());
    }

    @Test
    void badValuesInTheTemplateAreRefusedAtStartUpAllListed() {
        String yaml = Chart.find(Chart.render(), "ConfigMap", Chart.RELEASE + "-sparkapplication").path("data").path("sparkapplication.yaml").asString()
                .replace("sparkConf:\n", "sparkConf:\n    \"spark.kubernetes.driverEnv.PARQUET_COMPRESSION\": \"brotli\"\n"
                        + "    \"spark.kubernetes.driverEnv.SPLIT_SIZE_MB\": \"0\"\n    \"spark.kubernetes.driverEnv.PARTITION_BY\": \"hourly\"\n");
        List<String> problems = ApplicationTemplate.of("edited", yaml).problems();
        assertEquals(3, problems.size(), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("compression") && p.contains("brotli") || p.contains("PARQUET_COMPRESSION")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("split-size-mb")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("partition-by")), problems.toString());
    }

    /**
     * A bad inline DDL schema in the chart's conversion: block is refused by the dispatcher's (and render's) start-up
     * check, with its position; it used to reach every driver and dead-letter every manifest. A schema file's
     * location, and DDL whose comment holds a URI, pass.
     */
    @Test
    void aBadDdlSchemaIsRefusedAtStartUpNotByEveryDriver() {
        for (String[] bad : List.of(new String[] {"id BIGINT, ts TIMESTMP", "unknown type 'TIMESTMP'"},
                new String[] {"id BIGINT,, ts TIMESTAMP", "expected a column name"},
                new String[] {"blob BINARY", "BINARY is not one the conversion engine reads"},
                new String[] {"tags MAP<INT, STRING>", "map keys must be strings"})) {
            String yaml = Chart.find(Yaml.readAll(Chart.templateWith("conversion:\n  SCHEMA: \"" + bad[0] + "\"\n")), "ConfigMap",
                    Chart.RELEASE + "-sparkapplication").path("data").path("sparkapplication.yaml").asString();
            List<String> problems = ApplicationTemplate.of("chart", yaml).problems();
            assertEquals(1, problems.size(), problems.toString());
            assertTrue(problems.get(0).contains("schema") && problems.get(0).contains(bad[1]), problems.get(0));
        }
        for (String good : List.of("s3://pipeline/schemas/events.ddl", "id BIGINT COMMENT 'see https://wiki/events', ts TIMESTAMP")) {
            assertEquals(List.of(), DriverConversionSettings.problems(built("conversion:\n  SCHEMA: \"" + good + "\"\n")), good);
        }
    }

    @Test
    void settingsThatDoNotFitTogetherAreRefusedAtStartUp() {
        String yaml = Chart.find(Yaml.readAll(Chart.templateWith("conversion:\n  OUTPUT_MODE: iceberg\n  ICEBERG_CATALOG_TYPE: glue\n")),
                "ConfigMap", Chart.RELEASE + "-sparkapplication").path("data").path("sparkapplication.yaml").asString();
        List<String> problems = ApplicationTemplate.of("chart", yaml).problems();
        assertTrue(problems.stream().anyMatch(p -> p.contains("iceberg-warehouse") && p.contains("glue")), problems.toString());
        assertEquals(List.of(), DriverConversionSettings.problems(built("conversion:\n  OUTPUT_MODE: iceberg\n"
                + "  ICEBERG_CATALOG_TYPE: glue\n  ICEBERG_WAREHOUSE: s3://lake/warehouse\n")));
    }

    @Test
    void theValuesSchemaRefusesBadConversionValuesAtInstall() {
        for (String bad : List.of("conversion: {PARQUET_COMPRESSION: brotli}", "conversion: {SCHEMA_MISMATCH: drop}",
                "conversion: {PARTITION_BY: hourly}", "conversion: {SPLIT_SIZE_MB: -1}", "conversion: {SCHMEA: \"id INT\"}")) {
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> Chart.templateWith(bad), bad);
            assertTrue(e.getMessage().contains("conversion"), e.getMessage());
        }
    }
}
