package dev.mp4j.multiprocessing.managers;

import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Process;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * API.md, Completing Python's API: {@code Namespace.delete} / {@code has} ({@code del ns.x}, {@code hasattr}),
 * {@code get} of a name never set or deleted ({@code IllegalArgumentException}, Python's AttributeError);
 * CPython's {@code TestSyncManagerTypes.test_namespace} (a child process reads the attributes), on a
 * manager in its own process and on the dummy context's.
 */
@Timeout(60)
class NamespaceTest {
    private static SyncManager manager;

    @BeforeAll
    static void startManager() {
        manager = Multiprocessing.manager();
    }

    @AfterAll
    static void stopManager() {
        if (manager != null) {
            manager.shutdown();
        }
    }

    /** {@code del}, {@code hasattr} and the AttributeError of every read of a name that is not set. */
    private static void checkDeleteAndHas(Namespace n) {
        assertFalse(n.has("x"));
        n.set("x", 1);
        n.set("nothing", null);
        assertTrue(n.has("x"));
        assertTrue(n.has("nothing"));
        assertNull(n.get("nothing"));
        n.delete("x");
        assertFalse(n.has("x"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> n.get("x"));
        assertEquals("'Namespace' object has no attribute 'x'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> n.delete("x"));
        assertEquals("'Namespace' object has no attribute 'x'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> n.get("neverSet"));
        assertTrue(e.getMessage().contains("'neverSet'"), e.getMessage());
        n.set("x", 2); // a deleted name may be set again
        assertEquals(2, n.<Integer>get("x"));
        assertEquals("Namespace(nothing=null, x=2)", n.toString());
        assertThrows(NullPointerException.class, () -> n.has(null));
        assertThrows(NullPointerException.class, () -> n.get(null));
        assertThrows(NullPointerException.class, () -> n.delete(null));
        assertThrows(NullPointerException.class, () -> n.set(null, 1));
    }

    @Test
    void deleteAndHas() {
        checkDeleteAndHas(manager.namespace());
    }

    @Test
    void deleteAndHasOnTheDummyContextsManager() {
        try (SyncManager dummy = Multiprocessing.dummy().manager()) {
            checkDeleteAndHas(dummy.namespace());
        }
    }

    // TestSyncManagerTypes.test_namespace, and the child deletes and sets names its parent then sees
    @Test
    void aChildProcessReadsDeletesAndSets() {
        Namespace o = manager.namespace();
        o.set("x", 0);
        o.set("y", 1);
        List<String> seen = manager.list();
        Process p = Multiprocessing.process(() -> {
            seen.add("x=" + o.get("x") + " y=" + o.get("y") + " has z: " + o.has("z"));
            o.delete("y");
            o.set("z", "from the child");
            try {
                o.get("y");
                seen.add("y still there");
            } catch (IllegalArgumentException e) {
                seen.add(e.getMessage());
            }
        });
        p.start();
        p.join(Duration.ofSeconds(30));
        assertEquals(0, p.exitCode().orElse(-1));
        assertEquals(List.of("x=0 y=1 has z: false", "'Namespace' object has no attribute 'y'"), new ArrayList<>(seen));
        assertFalse(o.has("y"));
        assertEquals("from the child", o.<String>get("z"));
        assertEquals("Namespace(x=0, z='from the child')", o.toString());
    }
}
