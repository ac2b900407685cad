package dev.mp4j.multiprocessing.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.futures.ExecutorStats;
import dev.mp4j.futures.ResultIterator;
import dev.mp4j.internal.shared.SharedObjects;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Pool;
import dev.mp4j.multiprocessing.SharedInt;
import dev.mp4j.multiprocessing.ThreadPool;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Pool.stats() after known workloads, and the imap iterator's done(), total() and close(). */
@Timeout(90)
class PoolStatsTest {
    static int failAtFive(int x) {
        if (x == 5) {
            throw new IllegalArgumentException("five");
        }
        return x;
    }

    static int sleepAndCount(SharedInt calls, int x) throws InterruptedException {
        calls.getAndAdd(1);
        Thread.sleep(20);
        return x;
    }

    @Test
    void aProcessPoolCountsCallsAndItems() {
        Pool pool = Pool.builder().processes(2).context(ProcessPoolTest.QUICK).build();
        try {
            assertEquals(List.of(0, 1, 4, 9, 16, 25, 36), pool.map(x -> x * x, IntStream.range(0, 7).boxed().toList(), 2));
            assertEquals(3, pool.apply(() -> 3));
            int errors = 0;
            try (ResultIterator<Integer> it = pool.imap(PoolStatsTest::failAtFive, IntStream.range(0, 8).boxed().toList(), 3)) {
                while (it.hasNext()) {
                    try {
                        it.next();
                    } catch (IllegalArgumentException e) {
                        errors++;
                    }
                }
                assertEquals(8, it.done());
                assertEquals(OptionalInt.of(8), it.total());
            }
            assertEquals(1, errors);
            ExecutorStats s = pool.stats();
            assertEquals(new ExecutorStats(2, 0, 0, 0, 15, 1, 0, 2, 0), s);
        } finally {
            pool.close();
            pool.join();
        }
        assertEquals(0, pool.stats().workers());
    }

    @Test
    void imapTellsItsTotalOnceTheInputIsRead() {
        try (Pool pool = new ThreadPool(2)) {
            ResultIterator<Integer> it = pool.imap(x -> x, IntStream.range(0, 1000).boxed().toList(), 1);
            assertEquals(OptionalInt.empty(), it.total()); // only the first chunks are read
            int n = 0;
            for (int ignored : it) {
                n++;
            }
            assertEquals(1000, n);
            assertEquals(1000, it.done());
            assertEquals(OptionalInt.of(1000), it.total());
        }
    }

    /** An imap abandoned with break inside try-with-resources stops: no more items go to the workers. */
    @Test
    void breakingOutOfAnImapStopsItsWork() {
        SharedInt calls = Multiprocessing.sharedInt(0);
        Pool pool = Pool.builder().processes(2).context(ProcessPoolTest.QUICK).build();
        try {
            int items = 200;
            ResultIterator<Integer> it = pool.imap(x -> sleepAndCount(calls, x),
                    IntStream.range(0, items).boxed().toList(), 1);
            try (it) {
                for (int x : it) {
                    if (x == 3) {
                        break;
                    }
                }
            }
            assertFalse(it.hasNext());
            assertThrows(IllegalStateException.class, it::next);
            assertEquals(4, it.done());
            pool.close();
            pool.join();
            ExecutorStats s = pool.stats();
            int ran = calls.get();
            // at most the 4 consumed, the window of chunks sent ahead (32 of one item) and one more per worker
            assertTrue(ran >= 4 && ran <= 4 + 32 + 2, "calls: " + ran);
            assertEquals(ran, s.completedTasks(), s.toString());
            assertTrue(s.cancelledTasks() >= 1, s.toString()); // sent, not started: dropped
        } finally {
            pool.terminate();
            SharedObjects.release(calls);
        }
    }

    @Test
    void terminateCountsWhatItStopsAsCancelled() throws Exception {
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        Pool pool = new ThreadPool(1);
        pool.applyAsync(() -> {
            started.countDown();
            Thread.sleep(200);
            return 1;
        });
        pool.applyAsync(() -> 2);
        assertTrue(started.await(30, java.util.concurrent.TimeUnit.SECONDS));
        pool.terminate();
        ExecutorStats s = pool.stats();
        assertEquals(2, s.cancelledTasks(), s.toString());
        assertEquals(0, s.completedTasks(), s.toString());
    }
}
