package dev.mp4j.futures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.internal.shared.SharedObjects;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.SharedInt;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Future.toCompletableFuture(): cancelling the stage is cancel(true): a running process task's worker is killed,
 * and with it the processes the task started.
 */
@Timeout(90)
class CompletableFutureCancelTest {
    @RegisterExtension
    static final ProcessPoolWorkers WORKERS = new ProcessPoolWorkers();

    static long pid() {
        return ProcessHandle.current().pid();
    }

    /** Starts {@code sleep 300}, publishes its pid and this worker's, and waits. */
    static Object startSleeperAndWait(SharedInt worker, SharedInt sleeper) throws IOException, InterruptedException {
        java.lang.Process p = new ProcessBuilder("sleep", "300").start();
        sleeper.set((int) p.pid());
        worker.set((int) ProcessHandle.current().pid());
        Thread.sleep(300_000);
        return null;
    }

    static void awaitNonZero(SharedInt v) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (v.get() == 0) {
            assertTrue(System.nanoTime() < deadline, "the task did not start in time");
            Thread.sleep(10);
        }
    }

    static void assertEnds(long pid) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        h.ifPresent(p -> p.onExit().orTimeout(20, TimeUnit.SECONDS).join());
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " is alive");
    }

    @Test
    void cancellingTheStageKillsARunningProcessTaskAndWhatItStarted() throws Exception {
        SharedInt worker = Multiprocessing.sharedInt(0);
        SharedInt sleeper = Multiprocessing.sharedInt(0);
        try {
            ProcessPoolExecutor e = WORKERS.newPool(1);
            Future<Object> f = e.submit(() -> startSleeperAndWait(worker, sleeper));
            CompletableFuture<Object> cf = f.toCompletableFuture();
            awaitNonZero(worker);
            WORKERS.saw(worker.get());
            assertTrue(cf.cancel(true));
            assertTrue(f.cancelled());
            assertThrows(CancelledError.class, f::result);
            assertEnds(worker.get());
            assertEnds(sleeper.get());
            // the worker was replaced; the pool is not broken
            assertEquals(7, e.submit(() -> 7).result(Duration.ofSeconds(60)));
            WORKERS.saw(e);
            e.shutdown(true);
            ExecutorStats s = e.stats();
            assertEquals(1, s.cancelledTasks(), s.toString());
            assertEquals(0, s.workersLost(), s.toString());
        } finally {
            SharedObjects.release(worker);
            SharedObjects.release(sleeper);
        }
    }

    @Test
    void cancellingTheStageOfAQueuedThreadTaskKeepsItFromRunning() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ThreadPoolExecutor e = new ThreadPoolExecutor(1);
        try {
            e.submit(() -> {
                release.await();
                return null;
            });
            Future<Integer> queued = e.submit(() -> 5);
            CompletableFuture<Integer> cf = queued.toCompletableFuture();
            assertTrue(cf.cancel(true));
            assertTrue(queued.cancelled());
            assertThrows(CancellationException.class, cf::join);
        } finally {
            release.countDown();
            e.shutdown(true);
        }
        assertEquals(1, e.stats().cancelledTasks());
    }

    @Test
    void theStageCompletesWithTheResult() {
        try (ThreadPoolExecutor e = new ThreadPoolExecutor(1)) {
            assertEquals(6, e.submit(() -> 6).toCompletableFuture().join());
        }
    }
}
