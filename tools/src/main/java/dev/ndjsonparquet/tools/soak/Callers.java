package dev.ndjsonparquet.tools.soak;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The soak's components as the proxies know them (by their {@code x-soak-caller} name), and the kills placed on them.
 * A kill is armed by the chaos schedule and happens inside the component's next call that changes something: the
 * server does that call, then the proxy resets the connection and refuses every later call of that component, as a
 * process killed in the middle of a call. Thread-safe.
 */
public final class Callers {

    private enum State { ARMED, DEAD }

    private final Map<String, State> states = new ConcurrentHashMap<>();
    private final Map<String, String> killedDuring = new ConcurrentHashMap<>();

    /** The component's next call that changes something is its last. */
    public void arm(String caller) {
        states.putIfAbsent(caller, State.ARMED);
    }

    public boolean isArmed(String caller) {
        return states.get(caller) == State.ARMED;
    }

    public boolean isDead(String caller) {
        return states.get(caller) == State.DEAD;
    }

    /** The call inside which the component was killed, or null. */
    public String killedDuring(String caller) {
        return killedDuring.get(caller);
    }

    /** For a proxy: whether this call, just done by the server, is where its caller dies. */
    boolean killHere(Call call) {
        if (call.writes() && states.replace(call.caller(), State.ARMED, State.DEAD)) {
            killedDuring.put(call.caller(), call.name());
            return true;
        }
        return false;
    }
}
