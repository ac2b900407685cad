package dev.mp4j.multiprocessing.queues;

import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Process;
import dev.mp4j.multiprocessing.SimpleQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CPython's _TestSimpleQueue. */
@Timeout(60)
class SimpleQueueTest {
    @AfterAll
    static void shmCleaned() throws InterruptedException {
        Kids.assertShmCleaned();
    }

    @Test
    void testEmpty() {
        SimpleQueue<Boolean> queue = Kids.track(Multiprocessing.simpleQueue());
        Kids.Event childCanStart = Kids.Event.make();
        Kids.Event parentCanContinue = Kids.Event.make();
        Process proc = Kids.start(() -> {
            childCanStart.await();
            try {
                queue.put(queue.empty());
                queue.put(queue.empty());
            } finally {
                parentCanContinue.set();
            }
        });
        assertTrue(queue.empty());
        childCanStart.set();
        parentCanContinue.await();
        assertFalse(queue.empty());
        assertEquals(true, queue.get());
        assertEquals(false, queue.get());
        assertTrue(queue.empty());
        Kids.joinOk(proc);
        queue.close();
    }

    @Test
    void testClose() {
        SimpleQueue<Object> queue = Kids.track(Multiprocessing.simpleQueue());
        queue.close();
        queue.close(); // closing twice does not fail
        assertThrows(IllegalStateException.class, () -> queue.put(1));
        assertThrows(IllegalStateException.class, queue::get);
        assertThrows(IllegalStateException.class, queue::empty);
    }

    @Test
    void nullAndLargeItems() {
        SimpleQueue<Object> queue = Kids.track(Multiprocessing.simpleQueue());
        Process p = Kids.start(() -> {
            queue.put(null);
            queue.put(new byte[4_000_000]);
            queue.put("end");
        });
        assertNull(queue.get());
        assertEquals(4_000_000, ((byte[]) queue.get()).length);
        assertEquals("end", queue.get());
        Kids.joinOk(p);
        queue.close();
    }
}
