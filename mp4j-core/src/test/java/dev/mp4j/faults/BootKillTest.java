package dev.mp4j.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.mp4j.futures.ProcessPoolExecutor;
import dev.mp4j.futures.WorkerDeath;
import dev.mp4j.multiprocessing.Context;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Pool;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * kill -9 of a worker while it boots (before it connected back to the pool): a pool that replaces dead
 * workers — Pool, and ProcessPoolExecutor under WorkerDeath.REPLACE — must replace this one too; the
 * worker held no task, so no task may fail.
 */
class BootKillTest {
    private static final Context QUICK = Multiprocessing.getContext("spawn")
            .withJvmOptions(List.of("-XX:TieredStopAtLevel=1"));

    /**
     * The first pool or executor of launch settings the user chose waits for one child of them to connect
     * (a child that cannot start fails the constructor or submit, not the pool): one child booted before makes
     * the workers below boot while the test kills them.
     */
    @org.junit.jupiter.api.BeforeAll
    static void bootOneChildOfTheseSettings() {
        dev.mp4j.multiprocessing.Process p = QUICK.process(() -> { });
        p.start();
        p.join();
    }

    @Test
    @Timeout(90)
    void poolReplacesAWorkerKilledWhileItBoots() {
        Pool pool = Pool.builder().processes(1).context(QUICK).build();
        try {
            List<ProcessHandle> booting = pool.processes();
            assertFalse(booting.isEmpty(), "Pool workers start when the pool is made");
            booting.forEach(p -> Procs.kill9(p.pid()));
            assertEquals(42, pool.applyAsync(() -> 6 * 7).get(Duration.ofSeconds(60)));
        } finally {
            pool.terminate();
            pool.join();
        }
    }

    @Test
    @Timeout(90)
    void replaceExecutorReplacesAWorkerKilledWhileItBoots() throws InterruptedException {
        ProcessPoolExecutor e = ProcessPoolExecutor.builder().maxWorkers(1).context(QUICK)
                .workerDeath(WorkerDeath.REPLACE).build();
        try {
            var f = e.submit(() -> 6 * 7); // starts the worker; the task waits for it
            List<ProcessHandle> booting = e.processes();
            assertFalse(booting.isEmpty(), "the first submit starts the worker");
            booting.forEach(p -> Procs.kill9(p.pid()));
            assertEquals(42, f.result(Duration.ofSeconds(60)));
        } finally {
            e.shutdownNow();
            e.awaitTermination(30, TimeUnit.SECONDS);
        }
    }
}
