package dev.mp4j.multiprocessing.stress;

import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Process;
import dev.mp4j.multiprocessing.Queue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Four child processes put into one queue as fast as they can while the parent takes: every item arrives
 * exactly once, and each producer's items arrive in the order it put them.
 */
class QueueStressTest {
    static final int PER_CHILD = 4_000;

    /** Item {@code k} of producer {@code p}. */
    static long item(int p, int k) {
        return (long) p << 32 | k;
    }

    static void produce(Queue<Long> q, int p) {
        for (int k = 0; k < PER_CHILD; k++) {
            q.put(item(p, k));
        }
        // at exit the feeder thread flushes what is still buffered, as in Python
    }

    private static void consumeAll(Queue<Long> q) {
        int[] next = new int[Children.COUNT];
        for (int n = 0; n < Children.COUNT * PER_CHILD; n++) {
            Long v = q.get(Duration.ofSeconds(30));
            int p = (int) (v >>> 32);
            int k = (int) (long) v;
            assertTrue(p >= 0 && p < Children.COUNT, "no producer " + p + " (item " + Long.toHexString(v) + ")");
            assertEquals(next[p], k, "producer " + p + "'s items out of order, lost or repeated");
            next[p]++;
        }
        for (int p = 0; p < Children.COUNT; p++) {
            assertEquals(PER_CHILD, next[p], "items of producer " + p);
        }
    }

    @Test
    @Timeout(60)
    void fourProducersOneConsumer() {
        Queue<Long> q = Multiprocessing.queue();
        List<Process> children = Children.start(p -> () -> produce(q, p));
        consumeAll(q);
        Children.joinAll(children);
        assertTrue(q.empty(), "nothing more than what was put");
        q.close();
    }

    /**
     * The same multiset when the parent takes with two threads from a queue bounded at 16 items, so that the
     * producers block on a full queue again and again.
     */
    @Test
    @Timeout(60)
    void fourProducersTwoConsumingThreadsBounded() throws InterruptedException {
        Queue<Long> q = Multiprocessing.queue(16);
        List<Process> children = Children.start(p -> () -> produce(q, p));
        int total = Children.COUNT * PER_CHILD;
        List<List<Long>> got = List.of(new ArrayList<>(), new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            List<Long> mine = got.get(t);
            threads.add(Thread.ofPlatform().start(() -> {
                for (int n = 0; n < total / 2; n++) {
                    mine.add(q.get(Duration.ofSeconds(30)));
                }
            }));
        }
        for (Thread t : threads) {
            assertTrue(t.join(Duration.ofSeconds(50)), "a consumer thread did not end");
        }
        Children.joinAll(children);
        boolean[][] seen = new boolean[Children.COUNT][PER_CHILD];
        for (List<Long> l : got) {
            assertEquals(total / 2, l.size(), "a consumer thread failed (see its stack trace)");
            int[] last = {-1, -1, -1, -1};
            for (long v : l) {
                int p = (int) (v >>> 32);
                int k = (int) v;
                assertTrue(k > last[p], "one thread took producer " + p + "'s items out of order");
                last[p] = k;
                assertTrue(!seen[p][k], "item " + k + " of producer " + p + " taken twice");
                seen[p][k] = true;
            }
        }
        assertTrue(q.empty());
        q.close();
    }
}
