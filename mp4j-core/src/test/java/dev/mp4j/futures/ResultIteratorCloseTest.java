package dev.mp4j.futures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.internal.shared.SharedObjects;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.SharedInt;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** ResultIterator's done(), total() and close() on the executors' map and on Futures.asCompleted. */
@Timeout(90)
class ResultIteratorCloseTest {
    @RegisterExtension
    static final ProcessPoolWorkers WORKERS = new ProcessPoolWorkers();

    private static final int ITEMS = 200;

    static int sleepAndCount(SharedInt calls, int x) throws InterruptedException {
        calls.getAndAdd(1);
        Thread.sleep(20);
        return x;
    }

    static int failAtTwo(int x) {
        if (x == 2) {
            throw new IllegalArgumentException("two");
        }
        return x;
    }

    @Test
    void doneAndTotalCountItemsOfAThreadPoolMap() {
        try (ThreadPoolExecutor e = new ThreadPoolExecutor(2);
             ResultIterator<Integer> it = e.map(ResultIteratorCloseTest::failAtTwo, List.of(0, 1, 2, 3))) {
            assertEquals(OptionalInt.of(4), it.total());
            assertEquals(0, it.done());
            assertEquals(0, it.next());
            assertEquals(1, it.next());
            assertEquals(2, it.done());
            assertThrows(IllegalArgumentException.class, it::next);
            assertEquals(3, it.done()); // the item whose call raised was delivered, as its exception
            assertFalse(it.hasNext());
        }
    }

    @Test
    void doneAndTotalCountItemsOfAChunkedProcessPoolMap() {
        ProcessPoolExecutor e = WORKERS.newPool(1);
        try (ResultIterator<Integer> it = e.map(x -> x * 2, IntStream.range(0, 7).boxed().toList(), null, 3)) {
            assertEquals(OptionalInt.of(7), it.total());
            List<Integer> got = new ArrayList<>();
            for (int x : it) {
                WORKERS.saw(e);
                got.add(x);
                assertEquals(got.size(), it.done());
            }
            assertEquals(List.of(0, 2, 4, 6, 8, 10, 12), got);
        }
        e.shutdown(true);
    }

    @Test
    void closeEndsTheIterationAndIsIdempotent() {
        try (ThreadPoolExecutor e = new ThreadPoolExecutor(1)) {
            ResultIterator<Integer> it = e.map(x -> x, List.of(1, 2, 3));
            assertEquals(1, it.next());
            it.close();
            it.close();
            assertFalse(it.hasNext());
            assertThrows(IllegalStateException.class, it::next);
            assertThrows(IllegalStateException.class, () -> it.next(Duration.ZERO));
            assertEquals(1, it.done());
        }
    }

    @Test
    void closingAThreadPoolMapCancelsTheCallsNotStarted() throws Exception {
        CountDownLatch first = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ThreadPoolExecutor e = new ThreadPoolExecutor(1);
        try (ResultIterator<Integer> it = e.map(x -> {
            if (x == 0) {
                first.countDown();
                release.await();
            }
            return x;
        }, IntStream.range(0, 10).boxed().toList())) {
            assertTrue(first.await(30, TimeUnit.SECONDS));
            assertTrue(it.hasNext());
        } finally {
            release.countDown();
        }
        e.shutdown(true);
        ExecutorStats s = e.stats();
        assertEquals(1, s.completedTasks(), s.toString());
        assertEquals(9, s.cancelledTasks(), s.toString());
    }

    /** A Pool's imap closed by another thread: a next() waiting for a chunk that will not come raises at once. */
    @Test
    void aNextWaitingOnAnImapRaisesWhenAnotherThreadClosesIt() throws Exception {
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (dev.mp4j.multiprocessing.Pool pool = new dev.mp4j.multiprocessing.ThreadPool(1)) {
            pool.applyAsync(() -> {
                busy.countDown();
                return release.await(60, TimeUnit.SECONDS);
            });
            assertTrue(busy.await(30, TimeUnit.SECONDS));
            ResultIterator<Integer> it = pool.imap(x -> x, List.of(1, 2, 3), 1); // queued behind the busy call
            java.util.concurrent.CompletableFuture<Throwable> raised = new java.util.concurrent.CompletableFuture<>();
            Thread consumer = Thread.ofPlatform().start(() -> {
                try {
                    it.next(Duration.ofSeconds(60));
                    raised.complete(null);
                } catch (Throwable t) {
                    raised.complete(t);
                }
            });
            while (consumer.getState() != Thread.State.TIMED_WAITING && !raised.isDone()) {
                Thread.sleep(1);
            }
            it.close();
            Throwable t = raised.get(30, TimeUnit.SECONDS);
            assertTrue(t instanceof IllegalStateException, "raised: " + t);
            assertThrows(IllegalStateException.class, it::next);
            release.countDown();
            consumer.join(30_000);
        } finally {
            release.countDown();
        }
    }

    /** A map abandoned with break inside try-with-resources stops: its workers run few of the remaining calls. */
    @Test
    void breakingOutOfAProcessPoolMapStopsItsWork() {
        SharedInt calls = Multiprocessing.sharedInt(0);
        try {
            ProcessPoolExecutor e = WORKERS.newPool(2);
            int seen = 0;
            try (ResultIterator<Integer> it = e.map(x -> sleepAndCount(calls, x),
                    IntStream.range(0, ITEMS).boxed().toList(), null, 1)) {
                for (int x : it) {
                    WORKERS.saw(e);
                    seen++;
                    if (x == 3) {
                        break;
                    }
                }
            }
            e.shutdown(true);
            assertEquals(4, seen);
            ExecutorStats s = e.stats();
            // what ran: the four consumed, and at most what was on the two workers when the loop broke
            assertTrue(calls.get() >= 4 && calls.get() < 4 + 2 * 16, "calls: " + calls.get());
            assertEquals(calls.get(), s.completedTasks(), s.toString());
            assertEquals(ITEMS - calls.get(), s.cancelledTasks(), s.toString());
        } finally {
            SharedObjects.release(calls);
        }
    }

    @Test
    void closingAsCompletedLeavesTheFuturesAlone() {
        Future<Integer> a = new Future<>();
        Future<Integer> b = new Future<>();
        a.setResult(1);
        ResultIterator<Future<Integer>> it = Futures.asCompleted(List.of(a, b));
        assertEquals(OptionalInt.of(2), it.total());
        assertEquals(a, it.next());
        assertEquals(1, it.done());
        it.close();
        assertFalse(it.hasNext());
        assertThrows(IllegalStateException.class, it::next);
        assertFalse(b.cancelled());
        assertFalse(b.done());
        b.setResult(2);
        assertEquals(2, b.result());
    }
}
