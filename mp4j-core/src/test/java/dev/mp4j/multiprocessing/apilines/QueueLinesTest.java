package dev.mp4j.multiprocessing.apilines;

import dev.mp4j.multiprocessing.Empty;
import dev.mp4j.multiprocessing.Full;
import dev.mp4j.multiprocessing.JoinableQueue;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Queue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * API.md, {@code Queue} and {@code JoinableQueue} lines the queue tests leave out: Full and Empty from the
 * non-blocking and timed calls of a joinable queue, negative timeouts counting as zero, null items,
 * {@code maxsize <= 0} meaning unbounded, and IllegalStateException once closed.
 */
@Timeout(30)
class QueueLinesTest {
    /** A negative timeout counts as zero: the call gives up at once. */
    static <T> T quickly(Supplier<T> call) {
        long start = System.nanoTime();
        T result = call.get();
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms < 2_000, "took " + ms + " ms");
        return result;
    }

    @Test
    void boundedJoinableQueueIsFullAndEmpty() {
        JoinableQueue<String> q = Multiprocessing.joinableQueue(2);
        assertThrows(Empty.class, q::getNowait);
        assertThrows(Empty.class, () -> quickly(() -> q.get(Duration.ofSeconds(-3))));
        assertThrows(Empty.class, () -> q.get(Duration.ofMillis(20)));
        q.putNowait("a");
        q.put("b", Duration.ofMillis(-1));
        assertTrue(q.full());
        assertEquals(2, q.qsize());
        assertThrows(Full.class, () -> q.putNowait("c"));
        assertThrows(Full.class, () -> quickly(() -> {
            q.put("c", Duration.ofSeconds(-3));
            return null;
        }));
        assertThrows(Full.class, () -> q.put("c", Duration.ofMillis(20)));
        assertEquals("a", q.getNowait());
        assertEquals("b", q.get(Duration.ofSeconds(-1)), "an item present is returned even with no time to wait");
        assertTrue(q.empty());
        q.taskDone();
        q.taskDone();
        assertThrows(IllegalStateException.class, q::taskDone, "taskDone more often than items were put");
        q.join();
        q.close();
    }

    @Test
    void nullIsAnItem() {
        Queue<Object> q = Multiprocessing.queue(3);
        q.put(null);
        q.putNowait(null);
        q.put(null, Duration.ofSeconds(1));
        assertTrue(q.full(), "nulls count as items");
        assertNull(q.get());
        assertNull(q.getNowait());
        assertNull(q.get(Duration.ofSeconds(1)));
        assertThrows(Empty.class, q::getNowait, "three nulls were put, three taken");
        q.close();

        JoinableQueue<Object> jq = Multiprocessing.joinableQueue();
        jq.put(null);
        assertNull(jq.get(Duration.ofSeconds(5)));
        jq.taskDone();
        jq.join();
        jq.close();
    }

    @Test
    void maxsizeZeroOrNegativeIsUnbounded() {
        for (int maxsize : new int[] {0, -1, Integer.MIN_VALUE}) {
            Queue<Integer> q = Multiprocessing.queue(maxsize);
            JoinableQueue<Integer> jq = Multiprocessing.joinableQueue(maxsize);
            for (int i = 0; i < 1_000; i++) {
                q.putNowait(i);
                jq.putNowait(i);
            }
            assertFalse(q.full(), "maxsize " + maxsize);
            assertFalse(jq.full(), "maxsize " + maxsize);
            for (int i = 0; i < 1_000; i++) {
                assertEquals(i, q.get(Duration.ofSeconds(10)));
                assertEquals(i, jq.get(Duration.ofSeconds(10)));
                jq.taskDone();
            }
            jq.join();
            q.close();
            jq.close();
        }
    }

    @Test
    void aClosedJoinableQueueRefusesUse() {
        JoinableQueue<Integer> q = Multiprocessing.joinableQueue(5);
        q.put(1);
        q.close();
        q.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> q.put(2));
        assertThrows(IllegalStateException.class, () -> q.putNowait(2));
        assertThrows(IllegalStateException.class, () -> q.put(2, Duration.ZERO));
        assertThrows(IllegalStateException.class, q::get);
        assertThrows(IllegalStateException.class, () -> q.get(Duration.ZERO));
        assertThrows(IllegalStateException.class, q::getNowait);
        q.joinThread(); // allowed after close
    }
}
