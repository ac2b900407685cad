package dev.mp4j.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.futures.BrokenProcessPool;
import dev.mp4j.futures.ExecutorStats;
import dev.mp4j.futures.Future;
import dev.mp4j.python.Pythons.Python;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link PythonExecutor} with python3 workers, on every CPython installed. */
@Timeout(120)
class PythonExecutorTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private PythonExecutor executor(Python py, int workers, String initializer) {
        Pythons.script("mp4j_tasks.py", dir);
        PythonExecutor.Builder b = PythonExecutor.builder().python(py.executable()).pythonPath(List.of(dir))
                .maxWorkers(workers);
        if (initializer != null) {
            b.initializer(initializer);
        }
        return b.build();
    }

    private static void assertAllEnded(List<ProcessHandle> processes) {
        for (ProcessHandle p : processes) {
            assertFalse(p.isAlive(), "worker " + p.pid() + " still runs");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.mp4j.python.Pythons#each")
    void submitMapAndExceptions(Python python) {
        Python py = Pythons.require(python);
        List<ProcessHandle> processes;
        try (PythonExecutor ex = executor(py, 2, "mp4j_tasks:init")) {
            assertEquals(List.of(), ex.processes(), "workers start at the first submit");
            assertEquals(5L, ex.submit("mp4j_tasks:add", 2, 3).result(WAIT));
            assertEquals("ab", ex.submit("mp4j_tasks:add", "a", "b").result(WAIT));
            assertEquals(true, ex.submit("mp4j_tasks:is_initialized").result(WAIT));
            assertEquals(new PyTuple("nested", 1L), ex.submit("mp4j_tasks:Holder.nested", 1).result(WAIT));
            processes = ex.processes();
            assertEquals(2, processes.size());
            long pid = (Long) ex.submit("mp4j_tasks:pid").result(WAIT);
            assertTrue(processes.stream().anyMatch(p -> p.pid() == pid));

            Future<Object> failing = ex.submit("mp4j_tasks:fail", "bad");
            PythonError e = assertInstanceOf(PythonError.class, failing.exception(WAIT));
            assertEquals("builtins.ValueError", e.type());
            assertEquals(List.of("bad", 42L), e.args());
            assertTrue(e.traceback().contains("in fail"), e.traceback());
            assertThrows(PythonError.class, () -> failing.result(WAIT));

            PythonError missing = assertInstanceOf(PythonError.class,
                    ex.submit("no_such_module:f").exception(WAIT));
            assertTrue(missing.type().endsWith("ModuleNotFoundError"), missing.type());
            PythonError bad = assertInstanceOf(PythonError.class, ex.submit("mp4j_tasks:unpicklable").exception(WAIT));
            assertTrue(bad.traceback() != null && !bad.traceback().isEmpty());
            assertThrows(IllegalArgumentException.class, () -> ex.submit("mp4j_tasks:add", new Object(), 1));

            List<Object> squares = ex.map("mp4j_tasks:square", LongStream.range(0, 100).boxed().toList(), 7).toList();
            assertEquals(LongStream.range(0, 100).map(x -> x * x).boxed().toList(), squares);
            var it = ex.map("mp4j_tasks:fail_on", List.of(1, 2, 3, 4), 2);
            assertEquals(1L, it.next());
            assertEquals(2L, it.next());
            PythonError keyError = assertThrows(PythonError.class, it::next);
            assertEquals("builtins.KeyError", keyError.type());
            assertThrows(IllegalArgumentException.class, () -> ex.map("mp4j_tasks:square", List.of(1), 0));
        }
        assertAllEnded(processes);
    }

    @ParameterizedTest
    @MethodSource("dev.mp4j.python.Pythons#each")
    void aWorkerThatDiesBreaksTheExecutor(Python python) {
        Python py = Pythons.require(python);
        List<ProcessHandle> processes;
        try (PythonExecutor ex = executor(py, 2, null)) {
            assertEquals(3L, ex.submit("mp4j_tasks:add", 1, 2).result(WAIT));
            processes = ex.processes();
            Future<Object> dying = ex.submit("mp4j_tasks:die", 3);
            assertInstanceOf(BrokenProcessPool.class, dying.exception(WAIT));
            assertThrows(BrokenProcessPool.class, () -> ex.submit("mp4j_tasks:add", 1, 2));
            ExecutorStats s = awaitStats(ex, x -> x.workersLost() == 1);
            assertEquals(1, s.completedTasks());
            assertEquals(1, s.failedTasks());
            assertEquals(2, s.workersStarted());
        }
        assertAllEnded(processes);
    }

    /** The executor's stats once they satisfy the condition, read again for up to 60 s (a worker's end is noticed apart). */
    private static ExecutorStats awaitStats(PythonExecutor ex, java.util.function.Predicate<ExecutorStats> condition) {
        long until = System.nanoTime() + WAIT.toNanos();
        ExecutorStats s = ex.stats();
        while (!condition.test(s) && System.nanoTime() - until < 0) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            s = ex.stats();
        }
        assertTrue(condition.test(s), "stats never got there: " + s);
        return s;
    }

    @ParameterizedTest
    @MethodSource("dev.mp4j.python.Pythons#each")
    void statsCountTasksAndItems(Python python) {
        Python py = Pythons.require(python);
        try (PythonExecutor ex = executor(py, 1, null)) {
            assertEquals(new ExecutorStats(0, 0, 0, 0, 0, 0, 0, 0, 0), ex.stats());
            assertEquals(3L, ex.submit("mp4j_tasks:add", 1, 2).result(WAIT));
            assertInstanceOf(PythonError.class, ex.submit("mp4j_tasks:fail", "x").exception(WAIT));
            var it = ex.map("mp4j_tasks:fail_on", List.of(1, 2, 3, 4, 5), 5); // 1, 2 ran; 3 raised; 4, 5 did not run
            assertThrows(PythonError.class, it::next);
            assertEquals(new ExecutorStats(1, 0, 0, 0, 3, 2, 2, 1, 0), ex.stats());

            // a task that takes 0.3 s: the worker no longer gets tasks ahead, so the next one waits in the queue
            assertEquals(0.3, ex.submit("mp4j_tasks:sleep", 0.3).result(WAIT));
            Future<Object> running = ex.submit("mp4j_tasks:sleep", 0.3);
            Future<Object> queued = ex.submit("mp4j_tasks:square", 2);
            ExecutorStats during = ex.stats();
            assertEquals(1, during.queuedTasks(), during.toString());
            assertEquals(1, during.runningTasks(), during.toString());
            assertEquals(1, during.busyWorkers(), during.toString());
            assertTrue(queued.cancel());
            assertEquals(0.3, running.result(WAIT));
            assertEquals(new ExecutorStats(1, 0, 0, 0, 5, 2, 3, 1, 0), awaitStats(ex, x -> x.busyWorkers() == 0));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.mp4j.python.Pythons#each")
    void shutdownCancelsQueuedTasksWhenAsked(Python python) {
        Python py = Pythons.require(python);
        List<ProcessHandle> processes;
        List<Future<Object>> futures = new ArrayList<>();
        try (PythonExecutor ex = executor(py, 1, null)) {
            for (int i = 0; i < 200; i++) {
                futures.add(ex.submit("mp4j_tasks:square", i));
            }
            processes = ex.processes();
            ex.shutdown(true, true);
            assertThrows(IllegalStateException.class, () -> ex.submit("mp4j_tasks:square", 1));
        }
        assertAllEnded(processes);
        long cancelled = futures.stream().filter(Future::cancelled).count();
        for (Future<Object> f : futures) {
            assertTrue(f.done());
        }
        for (int i = 0; i < futures.size(); i++) {
            if (!futures.get(i).cancelled()) {
                assertEquals((long) i * i, futures.get(i).result());
            }
        }
        assertTrue(cancelled > 0, "some tasks were still queued");
    }

    @Test
    void builderChecksItsArguments() {
        assertThrows(IllegalArgumentException.class, () -> PythonExecutor.builder().maxWorkers(0));
    }

    @Test
    void aMissingInterpreterBreaksTheFirstSubmit() {
        try (PythonExecutor ex = PythonExecutor.builder().python(Path.of("/nonexistent/python3")).maxWorkers(1)
                .build()) {
            assertThrows(BrokenProcessPool.class, () -> ex.submit("mp4j_tasks:add", 1, 2));
            assertThrows(BrokenProcessPool.class, () -> ex.submit("mp4j_tasks:add", 1, 2));
        }
    }
}
