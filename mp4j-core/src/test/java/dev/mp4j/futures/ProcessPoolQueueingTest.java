package dev.mp4j.futures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A worker whose tasks are short gets the next ones while it runs one: these tests check that what is queued
 * in a worker keeps every promise of a task that waits in the pool.
 */
class ProcessPoolQueueingTest {
    @RegisterExtension
    static final ProcessPoolWorkers WORKERS = new ProcessPoolWorkers();

    private static long pid() {
        return ProcessHandle.current().pid();
    }

    private static long sleepThenPid(long millis) throws InterruptedException {
        Thread.sleep(millis);
        return pid();
    }

    /** Many short tasks, so that the worker is known to be fast; returns its pid. */
    private static long warm(ProcessPoolExecutor ex) {
        long pid = 0;
        for (int i = 0; i < 50; i++) {
            pid = ex.submit(ProcessPoolQueueingTest::pid).result();
        }
        return WORKERS.saw(pid);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void cancellingAQueuedTaskLeavesTheRunningOneAlone() {
        try (ProcessPoolExecutor ex = WORKERS.newPool(1)) {
            long pid = warm(ex);
            Future<Long> running = ex.submit(() -> sleepThenPid(1500));
            Future<Long> queued = ex.submit(ProcessPoolQueueingTest::pid);
            assertTrue(queued.cancel(true), "a task that has not started can be cancelled");
            assertTrue(queued.cancelled());
            assertEquals(pid, running.result(Duration.ofSeconds(30)), "the running task finished in its worker");
            assertThrows(CancelledError.class, queued::result);
            List<Future<Integer>> after = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                int k = i;
                after.add(ex.submit(() -> k * k));
            }
            for (int i = 0; i < 10; i++) {
                assertEquals(i * i, after.get(i).result(Duration.ofSeconds(30)));
            }
            WORKERS.saw(ex);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aTimeLimitCountsFromWhenTheTaskStartsNotWhenItIsQueued() {
        try (ProcessPoolExecutor ex = WORKERS.track(ProcessPoolWorkers.builder(1).workerDeath(WorkerDeath.REPLACE)
                .build())) {
            warm(ex);
            Future<Long> first = ex.submit(() -> sleepThenPid(1500));
            Future<Long> second = ex.submit(() -> sleepThenPid(300), Duration.ofMillis(1200));
            // the second waits about 1.5 s behind the first, longer than its limit, and still finishes in time
            assertEquals(first.result(Duration.ofSeconds(30)), second.result(Duration.ofSeconds(30)));
            WORKERS.saw(ex);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void underReplaceOnlyTheRunningTaskOfADeadWorkerFails() {
        try (ProcessPoolExecutor ex = WORKERS.track(ProcessPoolWorkers.builder(1).workerDeath(WorkerDeath.REPLACE)
                .build())) {
            long pid = warm(ex);
            Future<Long> dies = ex.submit(() -> {
                Thread.sleep(300);
                Runtime.getRuntime().halt(7);
                return 0L;
            });
            List<Future<Integer>> queued = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                int k = i;
                queued.add(ex.submit(() -> k + 1));
            }
            RuntimeException e = assertThrows(RuntimeException.class, () -> dies.result(Duration.ofSeconds(30)));
            assertTrue(e.getMessage().contains("exit code 7"), e.getMessage());
            for (int i = 0; i < 5; i++) {
                assertEquals(i + 1, queued.get(i).result(Duration.ofSeconds(30)), "queued task " + i);
            }
            WORKERS.saw(ex);
            assertTrue(ex.processes().stream().noneMatch(p -> p.pid() == pid), "the dead worker was replaced");
        }
    }
}
