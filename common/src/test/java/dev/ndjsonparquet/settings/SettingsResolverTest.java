package dev.ndjsonparquet.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsResolverTest {

    static final Setting<Integer> COUNT = Setting.integer("count").env("COUNT").defaultValue(100).atLeast(1)
            .describedAs("how many").build();
    static final Setting<String> QUEUE = Setting.string("queue").env("QUEUE").required().describedAs("the queue").build();
    static final Setting<String> TOKEN = Setting.string("token").env("TOKEN").secret().describedAs("a secret").build();
    static final Setting<String> OPTIONAL = Setting.string("optional").describedAs("may be absent").build();
    static final List<Setting<?>> ALL = List.of(COUNT, QUEUE, TOKEN, OPTIONAL);

    @Test
    void flagsWinOverEnvironmentWhichWinsOverTheFileWhichWinsOverDefaults() {
        ResolvedSettings r = SettingsResolver.resolve(ALL, Map.of("count", "3"), Map.of("COUNT", "2", "QUEUE", "q-env"),
                Map.of("count", "1", "queue", "q-file"));
        assertEquals(3, r.get(COUNT));
        assertEquals("q-env", r.get(QUEUE));
        assertNull(r.get(OPTIONAL));
        assertEquals(100, SettingsResolver.resolve(ALL, Map.of(), Map.of("QUEUE", "q"), Map.of()).get(COUNT));
    }

    @Test
    void everyProblemIsListedAndSecretsAreNeverEchoed() {
        SettingsException e = assertThrows(SettingsException.class, () -> SettingsResolver.resolve(ALL,
                Map.of("count", "0"), Map.of(), Map.of("colour", "blue")));
        String all = String.join("\n", e.problems());
        assertEquals(3, e.problems().size(), all);
        assertTrue(all.contains("count (flag --count): '0': must be at least 1"), all);
        assertTrue(all.contains("queue is required: set --queue or QUEUE"), all);
        assertTrue(all.contains("config file has unknown setting 'colour'"), all);

        Setting<Integer> secretNumber = Setting.integer("pin").secret().describedAs("pin").build();
        SettingsException s = assertThrows(SettingsException.class,
                () -> SettingsResolver.resolve(List.of(secretNumber), Map.of("pin", "hunter2"), Map.of(), Map.of()));
        assertTrue(!s.getMessage().contains("hunter2"), s.getMessage());
        ResolvedSettings r = SettingsResolver.resolve(ALL, Map.of("token", "s3cr3t"), Map.of("QUEUE", "q"), Map.of());
        assertTrue(!r.describe(ALL).toString().contains("s3cr3t"), r.describe(ALL).toString());
    }

    @Test
    void theTableComesFromTheDeclarations() {
        String t = SettingsTable.markdown(ALL);
        assertTrue(t.contains("| `--count` | `COUNT` | integer | `100` | how many |"), t);
        assertTrue(t.contains("| `--queue` | `QUEUE` | string | *required* | the queue |"), t);
    }
}
