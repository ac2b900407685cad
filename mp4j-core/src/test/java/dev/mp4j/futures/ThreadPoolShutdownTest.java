package dev.mp4j.futures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CPython's ThreadPoolShutdownTest. The executor's worker threads are not public: the tasks record the
 * threads they run on. Python's {@code del executor} becomes dropping the last reference and collecting.
 */
class ThreadPoolShutdownTest extends ExecutorShutdownTest {
    @Override
    protected Executor newExecutor(int maxWorkers) {
        return new ThreadPoolExecutor(maxWorkers);
    }

    @Override
    protected boolean primeExecutor() {
        return false;
    }

    @Override
    protected String childExecutorKind() {
        return ThreadPoolExecutor.class.getName();
    }

    @Test
    @DisplayName("test_interpreter_shutdown, with virtualThreads(true)")
    void testInterpreterShutdownVirtualThreads(@TempDir Path dir) throws Exception {
        assertChildPrintsApple(dir, "virtual");
    }

    @Test
    @DisplayName("test_threads_terminate")
    void testThreadsTerminate() throws Exception {
        // The three calls run at once (each waits for all three to start), so three workers must exist.
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        CountDownLatch allStarted = new CountDownLatch(3);
        List<Future<Integer>> fs = List.of(
                executor.submit(() -> recordAndMul(threads, allStarted, 21, 2)),
                executor.submit(() -> recordAndMul(threads, allStarted, 6, 7)),
                executor.submit(() -> recordAndMul(threads, allStarted, 3, 14)));
        for (Future<Integer> f : fs) {
            assertEquals(42, f.result());
        }
        assertEquals(3, threads.size());
        executor.shutdown();
        for (Thread t : threads) {
            t.join(10_000);
            assertFalse(t.isAlive(), t + " still alive after shutdown");
        }
    }

    private static int recordAndMul(Set<Thread> threads, CountDownLatch allStarted, int x, int y)
            throws InterruptedException {
        threads.add(Thread.currentThread());
        allStarted.countDown();
        assertTrue(allStarted.await(10, TimeUnit.SECONDS));
        return FutureFixtures.mul(x, y);
    }

    @Test
    @DisplayName("test_context_manager_shutdown")
    void testContextManagerShutdown() throws Exception {
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        try (ThreadPoolExecutor e = new ThreadPoolExecutor(5)) {
            assertEquals(List.of(5, 4, 3, 2, 1, 0, 1, 2, 3, 4),
                    e.<Integer, Integer>map(FutureFixtures::abs, List.of(-5, -4, -3, -2, -1, 0, 1, 2, 3, 4))
                            .toList());
            e.submit(() -> {
                threads.add(Thread.currentThread());
            }).result();
        }
        assertEquals(1, threads.size());
        for (Thread t : threads) {
            t.join(10_000);
            assertFalse(t.isAlive(), t + " still alive after close()");
        }
    }

    @Test
    @DisplayName("test_del_shutdown")
    void testDelShutdown() throws Exception {
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        mapAndDrop(threads);
        assertFalse(threads.isEmpty());
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        for (Thread t : threads) {
            while (t.isAlive() && System.nanoTime() < deadline) {
                System.gc();
                t.join(50);
            }
            assertFalse(t.isAlive(), t + " still alive after its executor was collected");
        }
    }

    /** Python's {@code executor = ThreadPoolExecutor(5); executor.map(abs, range(-5, 5)); del executor}. */
    private static void mapAndDrop(Set<Thread> threads) {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(5);
        List<Integer> got = executor.<Integer, Integer>map(x -> {
            threads.add(Thread.currentThread());
            return Math.abs(x);
        }, IntStream.range(-5, 5).boxed().toList()).toList();
        assertEquals(List.of(5, 4, 3, 2, 1, 0, 1, 2, 3, 4), got);
    }
}
