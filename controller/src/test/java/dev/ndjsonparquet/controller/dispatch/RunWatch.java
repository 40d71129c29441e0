package dev.ndjsonparquet.controller.dispatch;

import dev.ndjsonparquet.controller.k8s.SparkApplication;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every change of one namespace's SparkApplications as the API server sends it (a watch, opened before the
 * dispatcher starts), and after each one how many runs hold a slot of {@code max-concurrent-runs}: a "never more
 * than" checked over every state the cluster went through, not over samples.
 */
final class RunWatch implements AutoCloseable {

    private final Map<String, SparkApplication> current = new HashMap<>();
    private final List<Integer> activeAfterEach = new CopyOnWriteArrayList<>();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final Watch watch;

    RunWatch(KubernetesClient client, String namespace) {
        this.watch = client.resources(SparkApplication.class).inNamespace(namespace).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, SparkApplication app) {
                record(action, app);
            }

            @Override
            public void onClose(WatcherException cause) {
                events.add("closed: " + cause);
            }
        });
    }

    private synchronized void record(Watcher.Action action, SparkApplication app) {
        String name = app.getMetadata().getName();
        if (action == Watcher.Action.DELETED) {
            current.remove(name);
        } else {
            current.put(name, app);
        }
        events.add(action + " " + name + " " + KubeflowOperator.toRun(app).operatorState());
        activeAfterEach.add((int) current.values().stream().filter(a -> KubeflowOperator.toRun(a).holdsSlot()).count());
    }

    /** Every event received, in order ("ADDED np-... NEW"). */
    List<String> events() {
        return List.copyOf(events);
    }

    /** The most runs holding a slot at once, over every event. */
    int maxActive() {
        return activeAfterEach.stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    @Override
    public void close() {
        watch.close();
    }
}
