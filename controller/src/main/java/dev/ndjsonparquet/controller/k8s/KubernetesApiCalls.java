package dev.ndjsonparquet.controller.k8s;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The Kubernetes API calls the controller makes, kept in one place: the resource {@value #RESOURCE}.
 * The chart's RBAC grants exactly these; a chart test compares the two.
 */
public final class KubernetesApiCalls {

    /** Classpath resource (controller/src/main/resources/rbac-calls.yaml). */
    public static final String RESOURCE = "/rbac-calls.yaml";

    private KubernetesApiCalls() {
    }

    /** The YAML text of {@value #RESOURCE}. */
    public static String yaml() {
        try (InputStream in = KubernetesApiCalls.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
