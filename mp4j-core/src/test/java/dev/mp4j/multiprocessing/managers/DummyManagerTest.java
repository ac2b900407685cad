package dev.mp4j.multiprocessing.managers;

import dev.mp4j.multiprocessing.Multiprocessing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@code Multiprocessing.dummy().manager()}: a SyncManager served by a thread of this JVM. */
@Timeout(30)
class DummyManagerTest {
    @Test
    void servedByAThreadOfThisJvm() {
        SyncManager manager = Multiprocessing.dummy().manager();
        try (manager) {
            assertNull(manager.serverProcess());
            Map<String, List<Integer>> d = manager.dict();
            d.put("a", List.of(1, 2));
            assertEquals(Map.of("a", List.of(1, 2)), d);
            assertEquals(1, manager.numberOfObjects());
        }
        assertThrows(IllegalStateException.class, manager::dict);
    }
}
