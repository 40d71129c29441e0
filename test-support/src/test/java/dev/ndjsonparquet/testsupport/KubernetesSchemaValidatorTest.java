package dev.ndjsonparquet.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class KubernetesSchemaValidatorTest {

    private static final KubernetesSchemaValidator VALIDATOR = KubernetesSchemaValidator.forSharedSchemas();

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: demo
              labels: {app: demo}
            spec:
              replicas: 2
              selector:
                matchLabels: {app: demo}
              strategy:
                rollingUpdate: {maxSurge: 1, maxUnavailable: 25%}
              template:
                metadata:
                  labels: {app: demo}
                spec:
                  containers:
                    - name: demo
                      image: demo:1
                      ports: [{name: http, containerPort: 8080}]
                      readinessProbe:
                        httpGet: {path: /readyz, port: http}
                      livenessProbe:
                        httpGet: {path: /healthz, port: 8080}
                      resources:
                        requests: {cpu: 1, memory: 512Mi}
                        limits: {cpu: "1.5", memory: 1Gi}
            """;

    @Test
    void acceptsAValidDeploymentWithIntOrStringAndNumericQuantities() {
        assertEquals(List.of(), VALIDATOR.validate(DEPLOYMENT));
    }

    @Test
    void rejectsAnUnknownFieldAsKubeconformStrictDoes() {
        List<String> errors = VALIDATOR.validate(DEPLOYMENT.replace("readinessProbe:", "readynessProbe:"));
        assertFalse(errors.isEmpty());
        assertTrue(errors.toString().contains("readynessProbe"), errors::toString);
    }

    @Test
    void rejectsAWrongType() {
        assertFalse(VALIDATOR.validate(DEPLOYMENT.replace("replicas: 2", "replicas: two")).isEmpty());
    }

    @Test
    void keepsFreeFormMapsOpen() {
        String cm = """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: demo, annotations: {any.thing/x: "y"}}
                data: {ANY_KEY: value}
                """;
        assertEquals(List.of(), VALIDATOR.validate(cm));
    }

    @Test
    void reportsAnUnknownKind() {
        assertTrue(VALIDATOR.knows("apps/v1", "Deployment"));
        assertFalse(VALIDATOR.knows("monitoring.coreos.com/v1", "ServiceMonitor"));
        assertFalse(VALIDATOR.validate("apiVersion: example.com/v1\nkind: Thing\n").isEmpty());
    }
}
