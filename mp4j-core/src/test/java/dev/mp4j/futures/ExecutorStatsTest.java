package dev.mp4j.futures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.multiprocessing.WorkerLostError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** ThreadPoolExecutor.stats() and ProcessPoolExecutor.stats() after known workloads: a task is a call or an item. */
@Timeout(90)
class ExecutorStatsTest {
    @RegisterExtension
    static final ProcessPoolWorkers WORKERS = new ProcessPoolWorkers();

    static int failAtFour(int x) {
        if (x == 4) {
            throw new IllegalArgumentException("four");
        }
        return x;
    }

    static long pid() {
        return ProcessHandle.current().pid();
    }

    @Test
    void aFreshThreadPoolHasNothing() {
        try (ThreadPoolExecutor e = new ThreadPoolExecutor(2)) {
            assertEquals(new ExecutorStats(0, 0, 0, 0, 0, 0, 0, 0, 0), e.stats());
        }
    }

    @Test
    void threadPoolCountsCallsAndMapItems() {
        ThreadPoolExecutor e = new ThreadPoolExecutor(2);
        List<Future<?>> fs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            fs.add(e.submit(() -> 1));
        }
        fs.add(e.submit(() -> {
            throw new IllegalStateException("boom");
        }));
        ResultIterator<Integer> it = e.map(ExecutorStatsTest::failAtFour, IntStream.range(0, 6).boxed().toList());
        e.shutdown(true);
        ExecutorStats s = e.stats();
        assertEquals(8, s.completedTasks(), s.toString());
        assertEquals(2, s.failedTasks(), s.toString()); // the call that threw and item 4
        assertEquals(0, s.cancelledTasks(), s.toString());
        assertEquals(0, s.queuedTasks(), s.toString());
        assertEquals(0, s.runningTasks(), s.toString());
        assertEquals(0, s.workers(), s.toString());
        assertTrue(s.workersStarted() >= 1 && s.workersStarted() <= 2, s.toString());
        assertEquals(0, s.workersLost());
        it.close();
    }

    @Test
    void threadPoolCountsQueuedRunningAndCancelled() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ThreadPoolExecutor e = new ThreadPoolExecutor(1);
        try {
            Future<?> blocker = e.submit(() -> {
                started.countDown();
                release.await();
                return null;
            });
            assertTrue(started.await(30, TimeUnit.SECONDS));
            List<Future<Integer>> waiting = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                waiting.add(e.submit(() -> 2));
            }
            assertTrue(waiting.get(0).cancel());
            assertTrue(waiting.get(1).cancel());
            ExecutorStats s = e.stats();
            assertEquals(new ExecutorStats(1, 1, 2, 1, 0, 0, 2, 1, 0), s);
            release.countDown();
            blocker.result(Duration.ofSeconds(30));
        } finally {
            release.countDown();
            e.shutdown(true);
        }
        assertEquals(new ExecutorStats(0, 0, 0, 0, 3, 0, 2, 1, 0), e.stats());
    }

    @Test
    void processPoolCountsItemsNotChunks() {
        ProcessPoolExecutor e = WORKERS.newPool(2);
        assertEquals(new ExecutorStats(0, 0, 0, 0, 0, 0, 0, 0, 0), e.stats());
        // chunks [0 1 2] [3 4 5] [6 7 8] [9]: the second stops at 4, so 5 never runs
        ResultIterator<Integer> it = e.map(ExecutorStatsTest::failAtFour, IntStream.range(0, 10).boxed().toList(),
                null, 3);
        assertEquals(2, e.submit(() -> 2).result(Duration.ofSeconds(60)));
        WORKERS.saw(e);
        e.shutdown(true);
        ExecutorStats s = e.stats();
        assertEquals(new ExecutorStats(0, 0, 0, 0, 9, 1, 1, 2, 0), s);
        it.close();
    }

    @Test
    void processPoolCountsALostWorkerAndItsTask() {
        ProcessPoolExecutor e = WORKERS.track(ProcessPoolWorkers.builder(1).workerDeath(WorkerDeath.REPLACE).build());
        WORKERS.saw(e.submit(ExecutorStatsTest::pid).result(Duration.ofSeconds(60)));
        Future<Object> dies = e.submit(() -> {
            Runtime.getRuntime().halt(3);
            return null;
        });
        assertInstanceOf(WorkerLostError.class, assertThrows(RuntimeException.class,
                () -> dies.result(Duration.ofSeconds(60))));
        WORKERS.saw(e.submit(ExecutorStatsTest::pid).result(Duration.ofSeconds(60)));
        e.shutdown(true);
        ExecutorStats s = e.stats();
        assertEquals(new ExecutorStats(0, 0, 0, 0, 2, 1, 0, 2, 1), s);
    }
}
