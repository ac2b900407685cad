package dev.mp4j.futures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * CPython's ProcessPoolShutdownTest. The workers are {@link ProcessPoolExecutor#processes()}; Python's
 * {@code del executor} becomes dropping the last reference and collecting. test_interpreter_shutdown (in
 * the base class) runs {@link InterpreterShutdownChild} with a ProcessPoolExecutor: "apple" is printed by
 * a worker, whose stdout is the child JVM's.
 */
class ProcessPoolShutdownTest extends ExecutorShutdownTest {
    @RegisterExtension
    static final ProcessPoolWorkers WORKERS = new ProcessPoolWorkers();

    @Override
    protected Executor newExecutor(int maxWorkers) {
        return WORKERS.newPool(maxWorkers);
    }

    @Override
    protected boolean primeExecutor() {
        return false;
    }

    @Override
    protected String childExecutorKind() {
        return ProcessPoolExecutor.class.getName();
    }

    @Test
    @DisplayName("test_processes_terminate")
    void testProcessesTerminate() throws Exception {
        List<Future<Integer>> fs = List.of(
                executor.submit(() -> FutureFixtures.mul(21, 2)),
                executor.submit(() -> FutureFixtures.mul(6, 7)),
                executor.submit(() -> FutureFixtures.mul(3, 14)));
        // All five workers start at the first submit.
        List<ProcessHandle> processes = WORKERS.saw((ProcessPoolExecutor) executor);
        assertEquals(5, processes.size());
        for (Future<Integer> f : fs) {
            assertEquals(42, f.result());
        }
        executor.shutdown();
        for (ProcessHandle p : processes) {
            p.onExit().get(20, TimeUnit.SECONDS);
        }
        assertEquals(List.of(), ((ProcessPoolExecutor) executor).processes());
    }

    @Test
    @DisplayName("test_context_manager_shutdown")
    void testContextManagerShutdown() {
        List<ProcessHandle> processes;
        try (ProcessPoolExecutor e = WORKERS.track(new ProcessPoolExecutor(2))) {
            assertEquals(List.of(5, 4, 3, 2, 1, 0, 1, 2, 3, 4),
                    e.<Integer, Integer>map(FutureFixtures::abs, IntStream.range(-5, 5).boxed().toList()).toList());
            processes = WORKERS.saw(e);
            assertEquals(2, processes.size());
        }
        // close() waits for the worker JVMs to exit.
        for (ProcessHandle p : processes) {
            assertFalse(p.isAlive(), p + " still alive after close()");
        }
    }

    @Test
    @DisplayName("test_del_shutdown")
    void testDelShutdown() throws Exception {
        List<ProcessHandle> processes = mapAndDrop();
        assertEquals(2, processes.size());
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        for (ProcessHandle p : processes) {
            while (p.isAlive() && System.nanoTime() < deadline) {
                System.gc();
                try {
                    p.onExit().get(50, TimeUnit.MILLISECONDS);
                } catch (TimeoutException stillAlive) {
                    // collect again
                }
            }
            assertFalse(p.isAlive(), p + " still alive after its executor was collected");
        }
    }

    /**
     * Python's {@code executor = ProcessPoolExecutor(2); list(executor.map(abs, range(-5, 5))); del executor}.
     * The executor is not tracked: the tracker's reference would keep it reachable.
     */
    private static List<ProcessHandle> mapAndDrop() {
        ProcessPoolExecutor executor = new ProcessPoolExecutor(2);
        assertEquals(List.of(5, 4, 3, 2, 1, 0, 1, 2, 3, 4),
                executor.<Integer, Integer>map(FutureFixtures::abs, IntStream.range(-5, 5).boxed().toList()).toList());
        List<ProcessHandle> processes = WORKERS.saw(executor);
        assertTrue(processes.stream().allMatch(ProcessHandle::isAlive));
        return processes;
    }
}
