package dev.mp4j.multiprocessing.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.futures.ThreadPoolExecutor;
import dev.mp4j.multiprocessing.Context;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Pool;
import dev.mp4j.multiprocessing.Process;
import dev.mp4j.multiprocessing.Queue;
import dev.mp4j.threading.Event;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * API.md, Completing Python's API: in {@code Multiprocessing.dummy()}, {@code Multiprocessing.currentProcess()}
 * called in a dummy process or a {@code ThreadPool} worker returns that dummy process, whose name is the
 * thread's, and dummy processes appear in {@code activeChildren()} while alive (CPython's
 * {@code _TestProcess.test_process}, {@code test_active_children} and {@code test_recursion} of type threads).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DummyCurrentProcessTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private final Context dummy = Multiprocessing.dummy();

    // test_process, type threads
    @Test
    void currentProcessInADummyProcessIsThatProcess() {
        Queue<Object> q = dummy.queue(4);
        Event go = dummy.event();
        Process p = dummy.process(() -> {
            Process current = Multiprocessing.currentProcess();
            q.put(current);
            q.put(current.name());
            q.put(Thread.currentThread().getName());
            q.put(current.isAlive());
            go.await(WAIT);
        });
        p.setName("SomeProcess");
        p.setDaemon(true);
        assertFalse(p.isAlive());
        assertFalse(Multiprocessing.activeChildren().contains(p));
        assertTrue(p.exitCode().isEmpty());

        p.start();
        assertSame(p, q.get(WAIT));
        assertEquals("SomeProcess", q.get(WAIT));
        assertEquals("SomeProcess", q.get(WAIT));
        assertEquals(true, q.get(WAIT));
        assertTrue(p.isAlive());
        assertTrue(Multiprocessing.activeChildren().contains(p));
        assertEquals("MainProcess", Multiprocessing.currentProcess().name());

        go.set();
        assertTrue(p.join(WAIT));
        assertEquals(0, p.exitCode().getAsInt());
        assertFalse(p.isAlive());
        assertFalse(Multiprocessing.activeChildren().contains(p));
        p.close();
    }

    // test_active_children, type threads
    @Test
    void activeChildrenListsADummyProcessWhileItRuns() {
        assertTrue(Multiprocessing.activeChildren() instanceof List<?>);
        Event go = dummy.event();
        Process p = dummy.process(() -> go.await(WAIT));
        assertFalse(Multiprocessing.activeChildren().contains(p));
        p.setDaemon(true);
        p.start();
        assertTrue(Multiprocessing.activeChildren().contains(p));
        go.set();
        assertTrue(p.join(WAIT));
        assertFalse(Multiprocessing.activeChildren().contains(p));
    }

    /** A dummy process's children are those it started: listed there, not in its parent's list. */
    @Test
    void aDummyProcessListsTheChildrenItStarted() {
        Event go = dummy.event();
        List<Object> seen = new CopyOnWriteArrayList<>();
        AtomicReference<Process> grandchild = new AtomicReference<>();
        Process child = dummy.process(() -> {
            Process g = Multiprocessing.dummy().process(() -> go.await(WAIT));
            grandchild.set(g);
            g.start();
            seen.add(Multiprocessing.activeChildren().contains(g));
            seen.add(Multiprocessing.activeChildren().contains(Multiprocessing.currentProcess()));
            go.await(WAIT);
            g.join(WAIT);
            seen.add(Multiprocessing.activeChildren().contains(g));
        });
        child.start();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (seen.size() < 2) {
            assertTrue(System.nanoTime() < deadline, "the child did not start its own child");
            Thread.onSpinWait();
        }
        List<Process> mine = Multiprocessing.activeChildren();
        assertTrue(mine.contains(child), mine::toString);
        assertFalse(mine.contains(grandchild.get()), mine::toString);
        go.set();
        assertTrue(child.join(WAIT));
        assertEquals(0, child.exitCode().getAsInt());
        assertEquals(List.of(true, false, false), seen);
    }

    // test_recursion, type threads: the name each level sees is its own
    @Test
    void nestedDummyProcessesEachSeeThemselves() {
        List<String> names = new CopyOnWriteArrayList<>();
        Process outer = dummy.process(() -> {
            names.add(Multiprocessing.currentProcess().name());
            Process inner = Multiprocessing.dummy().process(() -> names.add(Multiprocessing.currentProcess().name()));
            inner.setName("inner");
            inner.start();
            inner.join(WAIT);
            names.add(Multiprocessing.currentProcess().name());
        });
        outer.setName("outer");
        outer.start();
        assertTrue(outer.join(WAIT));
        assertEquals(List.of("outer", "inner", "outer"), names);
    }

    @Test
    void aRenameRenamesTheThreadToo() {
        Event renamed = dummy.event();
        List<String> seen = new CopyOnWriteArrayList<>();
        Process p = dummy.process(() -> {
            renamed.await(WAIT);
            seen.add(Multiprocessing.currentProcess().name());
            seen.add(Thread.currentThread().getName());
        });
        p.start();
        p.setName("renamed while running");
        renamed.set();
        assertTrue(p.join(WAIT));
        assertEquals(List.of("renamed while running", "renamed while running"), seen);
        assertEquals("renamed while running", p.name());
        p.close();
        assertEquals("renamed while running", p.name());
    }

    /** A thread a dummy process starts is not that process (Python's would be a Thread, not a DummyProcess). */
    @Test
    void aPlainThreadStartedInADummyProcessIsNotIt() {
        List<String> seen = new CopyOnWriteArrayList<>();
        Process p = dummy.process(() -> {
            Thread t = new Thread(() -> seen.add(Multiprocessing.currentProcess().name()));
            t.start();
            try {
                t.join(WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        p.start();
        assertTrue(p.join(WAIT));
        assertEquals(List.of("MainProcess"), seen);
    }

    @Test
    void currentProcessInAThreadPoolWorkerIsItsDummyProcess() throws InterruptedException {
        List<Process> before = Multiprocessing.activeChildren();
        List<String> initialized = new CopyOnWriteArrayList<>();
        Process inWorker;
        try (Pool pool = new dev.mp4j.multiprocessing.ThreadPool(3,
                () -> initialized.add(Multiprocessing.currentProcess().name()))) {
            List<List<String>> got = pool.map(i -> List.of(Multiprocessing.currentProcess().name(),
                    Thread.currentThread().getName(), String.valueOf(Multiprocessing.currentProcess().isAlive())),
                    IntStream.range(0, 30).boxed().toList(), 1);
            Set<String> workers = new HashSet<>();
            for (List<String> row : got) {
                assertEquals(row.get(1), row.get(0), "the dummy process is named as its thread");
                assertTrue(row.get(0).startsWith("ThreadPoolWorker-"), row.get(0));
                assertEquals("true", row.get(2));
                workers.add(row.get(0));
            }
            assertTrue(workers.size() >= 1 && workers.size() <= 3, workers::toString);
            // the map may end before the third worker's thread has run its initializer
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (initialized.size() < 3 && System.nanoTime() - deadline < 0) {
                Thread.sleep(5);
            }
            assertEquals(3, initialized.size());
            assertTrue(initialized.stream().allMatch(n -> n.startsWith("ThreadPoolWorker-")), initialized::toString);
            assertEquals(new HashSet<>(before), new HashSet<>(Multiprocessing.activeChildren()),
                    "a pool's workers are not listed");

            inWorker = pool.apply(Multiprocessing::currentProcess);
            assertNotSame(Multiprocessing.currentProcess(), inWorker);
            assertTrue(inWorker.isAlive());
            assertTrue(inWorker.exitCode().isEmpty());
        }
        assertTrue(inWorker.join(WAIT), "the worker's dummy process ends with its thread");
        assertFalse(inWorker.isAlive());
    }

    @Test
    void theDummyContextsPoolRunsItsWorkersAsDummyProcesses() {
        try (Pool pool = dummy.pool(2)) {
            List<String> names = new ArrayList<>(pool.map(i -> Multiprocessing.currentProcess().name()
                    + "/" + Thread.currentThread().getName(), List.of(1, 2, 3, 4), 1));
            for (String n : names) {
                String[] parts = n.split("/");
                assertEquals(parts[1], parts[0]);
                assertTrue(parts[0].startsWith("ThreadPoolWorker-"), n);
            }
        }
    }

    @Test
    void aThreadPoolExecutorsThreadsAreNoDummyProcesses() {
        try (ThreadPoolExecutor executor = new ThreadPoolExecutor(1)) {
            assertEquals("MainProcess", executor.submit(() -> Multiprocessing.currentProcess().name()).result());
        }
    }
}
