package dev.mp4j.threading;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/** Small waiting and timing helpers shared by the threading tests. */
final class Waits {
    private Waits() {}

    /**
     * Waits until {@code t} is blocked (parked, waiting on a monitor, or in a timed wait): the state the
     * thread reaches inside a blocking call. Spins with {@code yield}, failing after 20 s.
     */
    static void awaitBlocked(Thread t) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            Thread.State s = t.getState();
            if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING || s == Thread.State.BLOCKED) {
                return;
            }
            if (s == Thread.State.TERMINATED) {
                fail(t.getName() + " ended instead of blocking");
            }
            if (System.nanoTime() - deadline > 0) {
                fail(t.getName() + " did not block; state " + s);
            }
            Thread.yield();
        }
    }

    /** CPython's {@code assertTimeout}: at least 0.6 of the expected time, less than ten times it. */
    static void assertTimeout(double actualSeconds, double expectedSeconds) {
        assertTrue(actualSeconds >= expectedSeconds * 0.6,
                () -> "waited " + actualSeconds + " s, expected about " + expectedSeconds);
        assertTrue(actualSeconds < expectedSeconds * 10.0,
                () -> "waited " + actualSeconds + " s, expected about " + expectedSeconds);
    }

    /** @return seconds since {@code startNanos} */
    static double since(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Takes from {@code q}, failing after 20 s. */
    static <T> T take(BlockingQueue<T> q) {
        try {
            T t = q.poll(20, TimeUnit.SECONDS);
            if (t == null) {
                fail("nothing arrived in 20 s");
            }
            return t;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Acquires {@code n} permits of a JDK semaphore used as a test signal, failing after 20 s. */
    static void acquire(java.util.concurrent.Semaphore s, int n) {
        try {
            assertTrue(s.tryAcquire(n, 20, TimeUnit.SECONDS), "signal did not arrive in 20 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Joins {@code t}, failing if it is still alive after 20 s. */
    static void join(Thread t) {
        try {
            t.join(TimeUnit.SECONDS.toMillis(20));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        assertTrue(!t.isAlive(), () -> t.getName() + " did not end");
    }
}
