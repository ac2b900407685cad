package dev.mp4j.multiprocessing.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.futures.CancelledError;
import dev.mp4j.futures.ExecutorStats;
import dev.mp4j.internal.shared.SharedObjects;
import dev.mp4j.multiprocessing.AsyncResult;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Pool;
import dev.mp4j.multiprocessing.SharedInt;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** AsyncResult.toCompletableFuture(): completes with the result; cancelling it is cancel(true). */
@Timeout(90)
class PoolCompletableFutureTest {
    static int publishPidAndWait(SharedInt worker) throws InterruptedException {
        worker.set((int) ProcessHandle.current().pid());
        Thread.sleep(300_000);
        return 0;
    }

    static int count(SharedInt runs) {
        runs.getAndAdd(1);
        return 1;
    }

    @Test
    void theStageCompletesWithTheValueOrTheError() {
        try (Pool pool = Pool.builder().processes(1).context(ProcessPoolTest.QUICK).build()) {
            AsyncResult<Integer> r = pool.applyAsync(() -> 41 + 1);
            CompletableFuture<Integer> cf = r.toCompletableFuture();
            assertSame(cf, r.toCompletableFuture());
            assertEquals(42, cf.orTimeout(60, TimeUnit.SECONDS).join());
            AsyncResult<List<Integer>> m = pool.mapAsync(x -> 10 / x, List.of(1, 0));
            CompletionException e = assertThrows(CompletionException.class,
                    () -> m.toCompletableFuture().orTimeout(60, TimeUnit.SECONDS).join());
            assertInstanceOf(ArithmeticException.class, e.getCause());
        }
    }

    @Test
    void cancellingTheStageKillsTheRunningTaskAndDropsTheQueuedOnes() throws Exception {
        SharedInt worker = Multiprocessing.sharedInt(0);
        SharedInt runs = Multiprocessing.sharedInt(0);
        Pool pool = Pool.builder().processes(1).context(ProcessPoolTest.QUICK).build();
        try {
            AsyncResult<Integer> running = pool.applyAsync(() -> publishPidAndWait(worker));
            AsyncResult<List<Integer>> queued = pool.mapAsync(x -> count(runs), IntStream.range(0, 6).boxed().toList(), 2,
                    null, null);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (worker.get() == 0) {
                assertTrue(System.nanoTime() < deadline, "the task did not start");
                Thread.sleep(10);
            }
            assertTrue(queued.toCompletableFuture().cancel(true));
            assertTrue(running.toCompletableFuture().cancel(true));
            assertThrows(CancelledError.class, () -> running.get(Duration.ofSeconds(60)));
            assertThrows(CancelledError.class, () -> queued.get(Duration.ofSeconds(60)));
            ProcessHandle.of(worker.get()).ifPresent(p -> p.onExit().orTimeout(20, TimeUnit.SECONDS).join());
            assertFalse(ProcessHandle.of(worker.get()).map(ProcessHandle::isAlive).orElse(false));
            assertEquals(3, pool.apply(() -> 3)); // a new worker replaced the killed one
            assertEquals(0, runs.get()); // the map's chunks never ran
            ExecutorStats s = pool.stats();
            assertEquals(7, s.cancelledTasks(), s.toString());
            assertEquals(1, s.completedTasks(), s.toString());
            assertEquals(0, s.workersLost(), s.toString());
        } finally {
            pool.terminate();
            SharedObjects.release(worker);
            SharedObjects.release(runs);
        }
    }
}
