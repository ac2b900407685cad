package dev.mp4j.futures.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.futures.Future;
import dev.mp4j.futures.ProcessPoolExecutor;
import dev.mp4j.futures.TimeoutError;
import dev.mp4j.futures.WorkerDeath;
import dev.mp4j.multiprocessing.Context;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.WorkerLostError;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The limits of ProcessPoolExecutor beyond Python: worker-death policy, time limits, memory recycling. */
class ProcessPoolLimitsTest {
    /** Spawned workers that compile with C1 only: they boot faster on a small machine. */
    private static final Context QUICK = Multiprocessing.getContext("spawn")
            .withJvmOptions(List.of("-XX:TieredStopAtLevel=1"));
    private static final Duration SHORT = Duration.ofMillis(300);

    private final List<ProcessPoolExecutor> pools = new ArrayList<>();
    private final Set<Long> pids = new HashSet<>();

    private ProcessPoolExecutor track(ProcessPoolExecutor.Builder b) {
        ProcessPoolExecutor e = b.build();
        pools.add(e);
        return e;
    }

    private static ProcessPoolExecutor.Builder builder() {
        return ProcessPoolExecutor.builder().maxWorkers(2).context(QUICK);
    }

    @AfterEach
    void shutDown() throws InterruptedException {
        for (ProcessPoolExecutor e : pools) {
            pids.addAll(e.processes().stream().map(ProcessHandle::pid).toList());
            e.shutdownNow();
            assertTrue(e.awaitTermination(20, TimeUnit.SECONDS), "pool did not terminate");
        }
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(20, TimeUnit.SECONDS).join());
        }
    }

    static long sleepThenPid(long millis) throws InterruptedException {
        Thread.sleep(millis);
        return ProcessHandle.current().pid();
    }

    /**
     * Both workers booted and idle, each having run a task; returns their pids. A worker still booting
     * leaves both tasks of a round to the other, so rounds go on until both have answered.
     */
    private Set<Long> warm(ProcessPoolExecutor e) {
        Set<Long> out = new HashSet<>();
        while (out.size() < 2) {
            Future<Long> a = e.submit(() -> sleepThenPid(200));
            Future<Long> b = e.submit(() -> sleepThenPid(200));
            out.add(a.result(Duration.ofSeconds(30)));
            out.add(b.result(Duration.ofSeconds(30)));
        }
        pids.addAll(out);
        return out;
    }

    @Test
    @Timeout(60)
    void aTimedOutTaskDoesNotBreakABreakPool() throws Exception {
        try (PoolLog log = new PoolLog()) {
            ProcessPoolExecutor e = track(builder()); // WorkerDeath.BREAK by default
            Set<Long> before = warm(e);
            Future<Long> slow = e.submit(() -> sleepThenPid(10_000), SHORT);
            Future<Long> other = e.submit(() -> sleepThenPid(800));
            TimeoutError t = assertThrows(TimeoutError.class, slow::result);
            assertInstanceOf(TimeoutError.class, slow.exception());
            assertTrue(t.getMessage().contains("time limit"), t.getMessage());
            long otherPid = other.result(); // the task running beside it was not touched
            assertTrue(before.contains(otherPid));
            // the pool goes on: a replacement worker takes tasks
            List<Future<Long>> more = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                more.add(e.submit(() -> sleepThenPid(50)));
            }
            for (Future<Long> f : more) {
                pids.add(f.result(Duration.ofSeconds(30)));
            }
            long killed = before.stream().filter(p -> p != otherPid).findFirst().orElseThrow();
            assertFalse(e.processes().stream().anyMatch(p -> p.pid() == killed));
            String gone = log.await(m -> m.contains("(pid " + killed + ")") && m.contains("exit code"), 20);
            assertTrue(gone.contains("time limit"), gone);
        }
    }

    @Test
    @Timeout(60)
    void perTaskTimeoutNullIsNoneAndNegativeIsZero() {
        ProcessPoolExecutor e = track(builder());
        assertEquals(7, e.submit(() -> {
            Thread.sleep(400);
            return 7;
        }, null).result());
        Future<Integer> zero = e.submit(() -> {
            Thread.sleep(5_000);
            return 8;
        }, Duration.ofMillis(-5));
        assertThrows(TimeoutError.class, () -> zero.result(Duration.ofSeconds(30)));
        assertEquals(9, e.submit(() -> 9).result(Duration.ofSeconds(30)));
    }

    @Test
    @Timeout(60)
    void timeLimitAppliesToEveryTaskAndOthersComplete() {
        ProcessPoolExecutor e = track(builder().timeLimit(Duration.ofMillis(1500)));
        warm(e);
        Future<Long> slow = e.submit(() -> sleepThenPid(10_000));
        Future<Long> quick = e.submit(() -> sleepThenPid(100));
        assertThrows(TimeoutError.class, () -> slow.result(Duration.ofSeconds(30)));
        pids.add(quick.result(Duration.ofSeconds(30)));
        // a chunked map is bound by it too, per chunk; the pool is not broken
        List<Integer> squares = e.<Integer, Integer>map(x -> x * x, List.of(1, 2, 3, 4), null, 2).toList();
        assertEquals(List.of(1, 4, 9, 16), squares);
    }

    @Test
    @Timeout(60)
    void softTimeLimitInterruptsTheTaskSoItCanReturn() throws Exception {
        try (PoolLog log = new PoolLog()) {
            ProcessPoolExecutor e = track(builder().softTimeLimit(SHORT).timeLimit(Duration.ofSeconds(20)));
            Future<String> f = e.submit(() -> {
                try {
                    Thread.sleep(10_000);
                    return "slept";
                } catch (InterruptedException interrupted) {
                    return "cleaned up";
                }
            });
            assertEquals("cleaned up", f.result(Duration.ofSeconds(30)));
            // the interrupt does not leak into the next task on that worker
            for (int i = 0; i < 3; i++) {
                assertEquals("slept", e.submit(() -> {
                    Thread.sleep(50);
                    return "slept";
                }).result(Duration.ofSeconds(30)));
            }
            String m = log.await(s -> s.contains("soft time limit"), 20);
            assertTrue(m.contains("pid "), m);
        }
    }

    @Test
    @Timeout(60)
    void softTimeLimitIgnoredByTheTaskStillMeetsTheHardLimit() {
        ProcessPoolExecutor e = track(builder().softTimeLimit(Duration.ofMillis(200)).timeLimit(Duration.ofMillis(800)));
        Future<String> f = e.submit(() -> {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < end) {
                Thread.onSpinWait(); // ignores the interrupt
            }
            return "done";
        });
        assertThrows(TimeoutError.class, () -> f.result(Duration.ofSeconds(30)));
        assertEquals("ok", e.submit(() -> "ok").result(Duration.ofSeconds(30)));
    }

    @Test
    @Timeout(60)
    void maxMemoryPerChildRecyclesAWorkerAfterItsTask() throws Exception {
        try (PoolLog log = new PoolLog()) {
            ProcessPoolExecutor e = track(builder().maxMemoryPerChild(1)); // every worker is over it
            Set<Long> seen = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                long pid = e.submit(() -> ProcessHandle.current().pid()).result(Duration.ofSeconds(30));
                assertTrue(seen.add(pid), "worker " + pid + " ran a second task");
            }
            pids.addAll(seen);
            log.await(m -> m.contains("maxMemoryPerChild"), 20);
        }
    }

    @Test
    @Timeout(60)
    void aWorkerUnderMaxMemoryPerChildIsKept() {
        // one worker, so that both tasks can only go to the same one unless it is recycled
        ProcessPoolExecutor e = track(builder().maxWorkers(1).maxMemoryPerChild(1L << 40));
        long first = e.submit(() -> ProcessHandle.current().pid()).result(Duration.ofSeconds(30));
        long second = e.submit(() -> ProcessHandle.current().pid()).result(Duration.ofSeconds(30));
        pids.add(first);
        assertEquals(first, second);
    }

    @Test
    @Timeout(60)
    void replaceAfterAKillNineTheOtherTasksStillComplete() throws Exception {
        try (PoolLog log = new PoolLog()) {
            ProcessPoolExecutor e = track(builder().workerDeath(WorkerDeath.REPLACE));
            warm(e);
            Future<Long> a = e.submit(() -> sleepThenPid(1500));
            Future<Long> b = e.submit(() -> sleepThenPid(1500));
            List<Future<Long>> queued = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                queued.add(e.submit(() -> sleepThenPid(50)));
            }
            assertTrue(a.running() && b.running());
            ProcessHandle victim = e.processes().getFirst();
            assertTrue(victim.destroyForcibly());
            int lost = 0;
            for (Future<Long> f : List.of(a, b)) {
                Throwable t = f.exception(Duration.ofSeconds(30));
                if (t != null) {
                    assertInstanceOf(WorkerLostError.class, t);
                    lost++;
                } else {
                    assertNotEquals(victim.pid(), (long) f.result());
                }
            }
            assertEquals(1, lost);
            for (Future<Long> f : queued) {
                pids.add(f.result(Duration.ofSeconds(30)));
            }
            assertEquals(2, e.submit(() -> 2).result(Duration.ofSeconds(30)));
            String m = log.await(s -> s.contains("(pid " + victim.pid() + ")") && s.contains("exit code"), 20);
            assertTrue(m.contains("replaces"), m);
        }
    }

    @Test
    @Timeout(60)
    void breakIsStillTheDefaultForAKillNine() {
        ProcessPoolExecutor e = track(builder());
        warm(e);
        Future<Long> a = e.submit(() -> sleepThenPid(1500));
        assertTrue(a.running());
        e.processes().forEach(ProcessHandle::destroyForcibly);
        assertInstanceOf(dev.mp4j.futures.BrokenProcessPool.class, a.exception(Duration.ofSeconds(30)));
    }

    @Test
    void invalidLimitsAreRejectedByName() {
        ProcessPoolExecutor.Builder b = ProcessPoolExecutor.builder();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.timeLimit(Duration.ZERO))
                .getMessage().contains("timeLimit"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.softTimeLimit(Duration.ofMillis(-1)))
                .getMessage().contains("softTimeLimit"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.maxMemoryPerChild(0))
                .getMessage().contains("maxMemoryPerChild"));
        assertThrows(NullPointerException.class, () -> b.workerDeath(null));
        b.timeLimit(null).softTimeLimit(null); // null: none
    }
}
