package dev.mp4j.threading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.InterruptedError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** CPython's {@code lock_tests.BarrierTests}, plus the mp4j mapping rules. Subclasses make the barriers. */
abstract class BarrierTests {
    static final int N = 5;
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** @return a new barrier; {@code action} and {@code timeout} may be null */
    protected abstract Barrier newBarrier(int parties, Runnable action, Duration timeout);

    private Barrier barrier;

    /** Waits until {@code t} is blocked in a barrier's {@code await}: parked, for the barriers of this JVM. */
    protected void awaitBlocked(Thread t) {
        Waits.awaitBlocked(t);
    }

    @BeforeEach
    void setUp() {
        barrier = newBarrier(N, null, DEFAULT_TIMEOUT);
    }

    @AfterEach
    void tearDown() {
        barrier.abort();
    }

    /** Runs {@code f} in N - 1 new threads and in this one. */
    private static void runThreads(Bunch.Body f) throws Exception {
        Bunch b = new Bunch(N - 1, f);
        try {
            f.run();
        } finally {
            b.waitForFinished();
        }
    }

    private void multipass(List<Boolean> results0, List<Boolean> results1, int passes) {
        int m = barrier.parties();
        assertEquals(N, m);
        for (int i = 0; i < passes; i++) {
            results0.add(true);
            assertEquals(i * m, results1.size());
            barrier.await();
            results1.add(true);
            assertEquals((i + 1) * m, results0.size());
            barrier.await();
        }
        assertEquals(0, barrier.nWaiting());
        assertFalse(barrier.broken());
    }

    private void checkBarrier(int passes) throws Exception {
        List<Boolean> results0 = new CopyOnWriteArrayList<>();
        List<Boolean> results1 = new CopyOnWriteArrayList<>();
        runThreads(() -> multipass(results0, results1, passes));
    }

    // test_constructor
    @Test
    void constructor() {
        assertThrows(IllegalArgumentException.class, () -> newBarrier(0, null, null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> newBarrier(-1, null, null));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        Barrier b = newBarrier(3, null, null);
        assertEquals(3, b.parties());
        assertEquals(0, b.nWaiting());
        assertFalse(b.broken());
    }

    @Test
    void zeroOrNegativeDefaultTimeoutIsRejected() {
        for (Duration timeout : List.of(Duration.ZERO, Duration.ofMillis(-1), Duration.ofSeconds(-5))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> newBarrier(2, null, timeout));
            assertTrue(e.getMessage().contains(timeout.toString()), e.getMessage());
        }
        assertEquals(2, newBarrier(2, null, Duration.ofNanos(1)).parties());
    }

    // test_barrier: a barrier is passed in lockstep
    @Test
    void barrier() throws Exception {
        checkBarrier(1);
    }

    // test_barrier_10
    @Test
    void barrier10() throws Exception {
        checkBarrier(10);
    }

    // test_wait_return
    @Test
    void waitReturn() throws Exception {
        List<Integer> results = new CopyOnWriteArrayList<>();
        runThreads(() -> results.add(barrier.await()));
        List<Integer> sorted = new ArrayList<>(results);
        sorted.sort(null);
        assertEquals(List.of(0, 1, 2, 3, 4), sorted);
    }

    // test_action
    @Test
    void action() throws Exception {
        List<Boolean> results = new CopyOnWriteArrayList<>();
        Barrier b = newBarrier(N, () -> results.add(true), null);
        runThreads(() -> {
            b.await();
            assertEquals(1, results.size());
        });
    }

    @Test
    void actionRunsInTheLastArrivingThread() throws Exception {
        AtomicReference<Thread> ranIn = new AtomicReference<>();
        Barrier b = newBarrier(N, () -> ranIn.set(Thread.currentThread()), null);
        List<Thread> last = new CopyOnWriteArrayList<>();
        runThreads(() -> {
            if (b.await() == N - 1) {
                last.add(Thread.currentThread());
            }
        });
        assertEquals(List.of(ranIn.get()), last);
    }

    @Test
    void failingActionBreaksTheBarrier() throws Exception {
        Barrier b = newBarrier(N, (Runnable & java.io.Serializable) () -> {
            throw new ArithmeticException("boom");
        }, null);
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        runThreads(() -> {
            try {
                b.await();
            } catch (RuntimeException e) {
                errors.add(e);
            }
        });
        assertEquals(N, errors.size());
        assertEquals(1, errors.stream().filter(e -> e instanceof ArithmeticException).count());
        assertEquals(N - 1, errors.stream().filter(e -> e instanceof BrokenBarrierError).count());
        assertTrue(b.broken());
    }

    // test_abort: an abort puts the barrier in a broken state
    @Test
    void abort() throws Exception {
        List<Boolean> results1 = new CopyOnWriteArrayList<>();
        List<Boolean> results2 = new CopyOnWriteArrayList<>();
        runThreads(() -> {
            try {
                int i = barrier.await();
                if (i == N / 2) {
                    throw new UnsupportedOperationException();
                }
                barrier.await();
                results1.add(true);
            } catch (BrokenBarrierError e) {
                results2.add(true);
            } catch (UnsupportedOperationException e) {
                barrier.abort();
            }
        });
        assertEquals(0, results1.size());
        assertEquals(N - 1, results2.size());
        assertTrue(barrier.broken());
    }

    // test_reset: a reset frees the waiting threads
    @Test
    void reset() throws Exception {
        List<Boolean> results1 = new CopyOnWriteArrayList<>();
        List<Boolean> results2 = new CopyOnWriteArrayList<>();
        List<Boolean> results3 = new CopyOnWriteArrayList<>();
        runThreads(() -> {
            int i = barrier.await();
            if (i == N / 2) {
                // wait until the other threads are all in the barrier
                while (barrier.nWaiting() < N - 1) {
                    Thread.yield();
                }
                barrier.reset();
            } else {
                try {
                    barrier.await();
                    results1.add(true);
                } catch (BrokenBarrierError e) {
                    results2.add(true);
                }
            }
            // now, pass the barrier again
            barrier.await();
            results3.add(true);
        });
        assertEquals(0, results1.size());
        assertEquals(N - 1, results2.size());
        assertEquals(N, results3.size());
    }

    // test_abort_and_reset: a barrier can be reset after being broken
    @Test
    void abortAndReset() throws Exception {
        List<Boolean> results1 = new CopyOnWriteArrayList<>();
        List<Boolean> results2 = new CopyOnWriteArrayList<>();
        List<Boolean> results3 = new CopyOnWriteArrayList<>();
        Barrier barrier2 = newBarrier(N, null, null);
        runThreads(() -> {
            try {
                int i = barrier.await();
                if (i == N / 2) {
                    throw new UnsupportedOperationException();
                }
                barrier.await();
                results1.add(true);
            } catch (BrokenBarrierError e) {
                results2.add(true);
            } catch (UnsupportedOperationException e) {
                barrier.abort();
            }
            // synchronize and reset the barrier: first so that everyone has left it, after so that no one
            // enters it before the reset
            if (barrier2.await() == N / 2) {
                barrier.reset();
            }
            barrier2.await();
            barrier.await();
            results3.add(true);
        });
        assertEquals(0, results1.size());
        assertEquals(N - 1, results2.size());
        assertEquals(N, results3.size());
        assertFalse(barrier.broken());
    }

    // test_timeout: await(timeout) breaks the barrier when a thread is late
    @Test
    void timeout() throws Exception {
        runThreads(() -> {
            int i = barrier.await();
            if (i == N / 2) {
                Thread.sleep(600); // one thread is late
            }
            assertThrows(BrokenBarrierError.class, () -> barrier.await(Duration.ofMillis(200)));
        });
        assertTrue(barrier.broken());
    }

    // test_default_timeout: the barrier's default timeout applies to await()
    @Test
    void defaultTimeout() throws Exception {
        Barrier b = newBarrier(N, null, Duration.ofMillis(200));
        Barrier start = newBarrier(N, null, null); // the first rendezvous without the short timeout
        runThreads(() -> {
            int i = start.await();
            if (i == N / 2) {
                Thread.sleep(600); // later than the default timeout
            }
            assertThrows(BrokenBarrierError.class, b::await);
        });
        assertTrue(b.broken());
    }

    @Test
    void nullTimeoutMeansTheDefaultTimeout() {
        Barrier b = newBarrier(2, null, Duration.ofMillis(100));
        long t = System.nanoTime();
        assertThrows(BrokenBarrierError.class, () -> b.await((Duration) null));
        Waits.assertTimeout(Waits.since(t), 0.1);
        assertTrue(b.broken());
    }

    @Test
    void negativeTimeoutBreaksAtOnceUnlessLast() {
        Barrier one = newBarrier(1, null, null);
        assertEquals(0, one.await(Duration.ofSeconds(-1)));
        Barrier b = newBarrier(2, null, null);
        assertThrows(BrokenBarrierError.class, () -> b.await(Duration.ofSeconds(-1)));
        assertTrue(b.broken());
        assertThrows(BrokenBarrierError.class, b::await);
        b.reset();
        assertFalse(b.broken());
    }

    // test_single_thread
    @Test
    void singleThread() {
        Barrier b = newBarrier(1, null, null);
        assertEquals(0, b.await());
        assertEquals(0, b.await());
    }

    @Test
    void nWaitingCountsArrivals() {
        Barrier b = newBarrier(3, null, null);
        List<Integer> indexes = new CopyOnWriteArrayList<>();
        Bunch bunch = new Bunch(2, () -> indexes.add(b.await()));
        bunch.threads().forEach(this::awaitBlocked);
        while (b.nWaiting() < 2) {
            Thread.yield(); // blocked maybe still on the barrier's internal lock
        }
        assertEquals(2, b.nWaiting());
        indexes.add(b.await());
        bunch.waitForFinished();
        assertEquals(0, b.nWaiting());
        List<Integer> sorted = new ArrayList<>(indexes);
        sorted.sort(null);
        assertEquals(List.of(0, 1, 2), sorted);
    }

    @Test
    void interruptedAwaitBreaksTheBarrier() {
        Barrier b = newBarrier(3, null, null);
        AtomicReference<Throwable> interrupted = new AtomicReference<>();
        AtomicReference<Boolean> flag = new AtomicReference<>();
        AtomicReference<Throwable> other = new AtomicReference<>();
        Thread t1 = new Thread(() -> {
            try {
                b.await();
            } catch (Throwable e) {
                interrupted.set(e);
            }
            flag.set(Thread.currentThread().isInterrupted());
        });
        t1.start();
        while (b.nWaiting() < 1) {
            Thread.yield();
        }
        Thread t2 = new Thread(() -> {
            try {
                b.await(Duration.ofSeconds(20));
            } catch (Throwable e) {
                other.set(e);
            }
        });
        t2.start();
        while (b.nWaiting() < 2) {
            Thread.yield();
        }
        awaitBlocked(t1);
        t1.interrupt();
        Waits.join(t1);
        Waits.join(t2);
        assertSame(InterruptedError.class, interrupted.get() == null ? null : interrupted.get().getClass());
        assertEquals(true, flag.get());
        assertSame(BrokenBarrierError.class, other.get() == null ? null : other.get().getClass());
        assertTrue(b.broken());
    }

    @Test
    void resetWithoutWaitersRepairsABrokenBarrier() throws Exception {
        barrier.abort();
        assertTrue(barrier.broken());
        assertThrows(BrokenBarrierError.class, barrier::await);
        barrier.reset();
        assertFalse(barrier.broken());
        AtomicInteger passed = new AtomicInteger();
        runThreads(() -> {
            barrier.await();
            passed.incrementAndGet();
        });
        assertEquals(N, passed.get());
    }

    // test_repr
    @Test
    void repr() {
        Barrier b = newBarrier(3, null, null);
        assertTrue(b.toString().endsWith(": waiters=0/3>"), b.toString());
        b.abort();
        assertTrue(b.toString().endsWith(": broken>"), b.toString());
    }
}
