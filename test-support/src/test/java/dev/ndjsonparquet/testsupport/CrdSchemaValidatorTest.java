package dev.ndjsonparquet.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CrdSchemaValidatorTest {

    private static final String VALID = """
            apiVersion: sparkoperator.k8s.io/v1beta2
            kind: SparkApplication
            metadata:
              name: np-m-0123456789abcdef01234567
            spec:
              type: Java
              mode: cluster
              sparkVersion: "4.2.0"
              mainApplicationFile: local:///opt/spark/jars/app.jar
              driver:
                cores: 1
                memory: 2g
                labels: {a: b}
              executor:
                instances: 2
                cores: 2
              sparkConf:
                spark.x: "y"
            """;

    private final CrdSchemaValidator strict = CrdSchemaValidator.forSharedCrd("sparkoperator.k8s.io_sparkapplications.yaml");

    @Test
    void aValidApplicationHasNoErrors() {
        assertEquals(List.of(), strict.validate(VALID));
        assertEquals("v1beta2", strict.version());
    }

    @Test
    void aMissingRequiredFieldIsAnError() {
        List<String> errors = strict.validate(VALID.replace("  sparkVersion: \"4.2.0\"\n", ""));
        assertEquals(1, errors.size(), errors::toString);
        assertTrue(errors.get(0).contains("sparkVersion"), errors::toString);
    }

    @Test
    void strictModeRejectsAMisspeltFieldThatLenientModeAccepts() {
        String typo = VALID.replace("    instances: 2", "    instance: 2");
        assertTrue(strict.validate(typo).stream().anyMatch(e -> e.contains("instance")), () -> strict.validate(typo).toString());
        CrdSchemaValidator lenient = CrdSchemaValidator.forCrd(SharedDir.resolve("crds/sparkoperator.k8s.io_sparkapplications.yaml"),
                "v1beta2", CrdSchemaValidator.Mode.LENIENT);
        assertEquals(List.of(), lenient.validate(typo));
    }

    @Test
    void aWrongTypeIsAnError() {
        assertTrue(!strict.validate(VALID.replace("instances: 2", "instances: two")).isEmpty());
    }

    @Test
    void mapsAreValidatedLikeText() {
        var map = java.util.Map.of("apiVersion", "sparkoperator.k8s.io/v1beta2", "kind", "SparkApplication",
                "metadata", java.util.Map.of("name", "x"), "spec", java.util.Map.of("type", "Java"));
        List<String> errors = strict.validate(map);
        assertTrue(errors.stream().anyMatch(e -> e.contains("driver")), errors::toString);
    }
}
