package dev.mp4j.multiprocessing.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.futures.BrokenThreadPool;
import dev.mp4j.futures.CancelledError;
import dev.mp4j.multiprocessing.AsyncResult;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Pool;
import dev.mp4j.multiprocessing.ThreadPool;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The shared pool tests on a {@link ThreadPool}, as {@code Multiprocessing.dummy().pool(n)} makes it. */
class DummyPoolTest extends PoolTests {
    @Override
    Pool newPool(int n) {
        Pool p = Multiprocessing.dummy().pool(n);
        assertInstanceOf(ThreadPool.class, p);
        return p;
    }

    @Override
    boolean workersAreProcesses() {
        return false;
    }

    @Test
    void workersAreThreadsOfThisJvm() {
        assertEquals(ProcessHandle.current().pid(), pool.apply(Work::pid));
        String name = pool.apply(() -> Thread.currentThread().getName());
        assertTrue(name.startsWith("ThreadPoolWorker-"), name);
        assertTrue(pool.apply(() -> Thread.currentThread().isDaemon()));
    }

    @Test
    void aFailingMapRaisesOnceItsOtherChunksAreDoneAsPythonsDoes() throws Exception {
        // Python's MapResult is ready "only once all jobs are done": a program going on from the exception
        // finds none of the map's calls still running
        java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        dev.mp4j.function.SerializableFunction<Integer, Integer> f = x -> {
            if (x == 0) {
                throw new IllegalStateException("first");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(150));
            done.incrementAndGet();
            return x;
        };
        try (Pool p = newPool(2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.map(f, List.of(0, 1, 2, 3), 1));
            assertEquals("first", e.getMessage());
            assertEquals(3, done.get(), "the other calls had ended");

            done.set(0);
            CountDownLatch called = new CountDownLatch(1);
            java.util.concurrent.atomic.AtomicInteger doneAtCallback = new java.util.concurrent.atomic.AtomicInteger(-1);
            AsyncResult<List<Integer>> r = p.mapAsync(f, List.of(0, 1, 2, 3), 1, null, t -> {
                doneAtCallback.set(done.get());
                called.countDown();
            });
            assertThrows(IllegalStateException.class, () -> r.get(java.time.Duration.ofSeconds(30)));
            assertTrue(called.await(30, TimeUnit.SECONDS));
            assertEquals(3, doneAtCallback.get(), "the error callback ran after the other calls");
        }
    }

    @Test
    void tasksNeedNotBeSerializable() {
        Object notSerializable = new Object();
        assertEquals(notSerializable.hashCode(), pool.apply(notSerializable::hashCode));
        assertEquals(List.of(notSerializable), pool.map(x -> x, List.of(notSerializable)));
    }

    @Test
    void constructorsAndBuilder() {
        try (ThreadPool p = new ThreadPool(1)) {
            assertEquals(1, p.size());
        }
        try (Pool p = Pool.builder().processes(3).context(Multiprocessing.dummy()).build()) {
            assertInstanceOf(ThreadPool.class, p);
            assertEquals(3, p.size());
        }
        try (ThreadPool p = new ThreadPool()) {
            assertEquals(Multiprocessing.cpuCount(), p.size());
        }
        assertThrows(IllegalArgumentException.class, () -> new ThreadPool(0));
    }

    @Test
    void theInitializerRunsOnEveryWorkerThread() {
        Set<String> initialized = ConcurrentHashMap.newKeySet();
        try (ThreadPool p = new ThreadPool(2, () -> initialized.add(Thread.currentThread().getName()))) {
            p.map(x -> x, Work.range(10), 1);
        }
        assertEquals(2, initialized.size());
    }

    @Test
    void aFailingInitializerBreaksThePool() {
        ThreadPool p = new ThreadPool(1, () -> {
            throw new IllegalStateException("init failed on purpose");
        });
        try {
            // the pool may already be broken when the call comes: then the call itself raises it
            BrokenThreadPool e;
            try {
                AsyncResult<Integer> r = p.applyAsync(() -> 1);
                e = assertThrows(BrokenThreadPool.class, r::get);
            } catch (BrokenThreadPool atSubmit) {
                e = atSubmit;
            }
            assertInstanceOf(IllegalStateException.class, e.getCause());
        } finally {
            p.terminate();
        }
    }

    /** Python's default chunksize, ceil(n / (4 × workers)): a chunk stops at its first failing call. */
    @Test
    void mapChunksLikePython() throws InterruptedException {
        Set<Integer> ran = ConcurrentHashMap.newKeySet();
        CountDownLatch calls = new CountDownLatch(15);
        // 16 items, 2 workers: chunks of 2, so item 1 shares item 0's chunk and never runs
        assertThrows(IllegalStateException.class, () -> pool.map(x -> {
            ran.add(x);
            calls.countDown();
            return x == 0 ? Work.raising() : x;
        }, Work.range(16)));
        assertTrue(calls.await(30, TimeUnit.SECONDS));
        assertFalse(ran.contains(1), "item 1 was in item 0's chunk: " + ran);
        for (int i = 2; i < 16; i++) {
            assertTrue(ran.contains(i), i + " ran");
        }
    }

    @Test
    void terminateInterruptsRunningTasksAndFailsTheirResults() throws InterruptedException {
        ThreadPool p = new ThreadPool(1);
        CountDownLatch running = new CountDownLatch(1);
        AsyncResult<Integer> r = p.applyAsync(() -> {
            running.countDown();
            Thread.sleep(60_000);
            return 1;
        });
        assertTrue(running.await(10, TimeUnit.SECONDS));
        p.terminate();
        assertThrows(CancelledError.class, r::get);
        p.join();
    }
}
