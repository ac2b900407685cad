package dev.mp4j.threading;

import static dev.mp4j.threading.Waits.assertTimeout;
import static dev.mp4j.threading.Waits.awaitBlocked;
import static dev.mp4j.threading.Waits.since;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.InterruptedError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * CPython's {@code lock_tests.BaseSemaphoreTests}, common to bounded and unbounded semaphores, plus the mp4j
 * mapping rules. Subclasses make the semaphores.
 */
abstract class BaseSemaphoreTests {
    /** @return a new semaphore of the kind under test */
    protected abstract Semaphore newSemaphore(int value);

    /** @return a new semaphore of the kind under test, made with Python's default value */
    protected abstract Semaphore newDefaultSemaphore();

    // test_constructor
    @Test
    void constructor() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> newSemaphore(-1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> newSemaphore(Integer.MIN_VALUE));
        assertEquals(0, newSemaphore(0).value());
    }

    // test_acquire
    @Test
    void acquire() {
        Semaphore sem = newSemaphore(1);
        assertTrue(sem.acquire());
        sem.release();
        sem = newSemaphore(2);
        sem.acquire();
        sem.acquire();
        sem.release();
        sem.release();
        assertEquals(2, sem.value());
    }

    // test_acquire_destroy
    @Test
    void acquireDestroy() {
        Semaphore sem = newSemaphore(1);
        sem.acquire();
        assertEquals(0, sem.value());
    }

    /** test_acquire_contended and test_multirelease: {@code bulk} releases all at once with release(n). */
    private void checkAcquireContended(boolean bulk) {
        Semaphore sem = newSemaphore(7);
        sem.acquire();
        AtomicInteger phase = new AtomicInteger();
        BlockingQueue<Integer> results = new LinkedBlockingQueue<>();
        Bunch b = new Bunch(10, () -> {
            sem.acquire();
            results.add(phase.get());
            sem.acquire();
            results.add(phase.get());
        });
        b.waitForStarted();
        List<Integer> seen = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            seen.add(Waits.take(results));
        }
        assertEquals(Collections.nCopies(6, 0), seen);
        phase.set(1);
        if (bulk) {
            sem.release(7);
        } else {
            for (int i = 0; i < 7; i++) {
                sem.release();
            }
        }
        for (int i = 0; i < 7; i++) {
            seen.add(Waits.take(results));
        }
        Collections.sort(seen);
        assertEquals(concat(Collections.nCopies(6, 0), Collections.nCopies(7, 1)), seen);
        phase.set(2);
        if (bulk) {
            sem.release(6);
        } else {
            for (int i = 0; i < 6; i++) {
                sem.release();
            }
        }
        for (int i = 0; i < 6; i++) {
            seen.add(Waits.take(results));
        }
        Collections.sort(seen);
        assertEquals(concat(Collections.nCopies(6, 0), Collections.nCopies(7, 1), Collections.nCopies(6, 2)), seen);
        // the semaphore is still locked
        assertFalse(sem.acquire(false));
        assertTrue(results.isEmpty());
        // final release, to let the last thread finish
        sem.release();
        b.waitForFinished();
    }

    @SafeVarargs
    private static List<Integer> concat(List<Integer>... parts) {
        List<Integer> all = new ArrayList<>();
        for (List<Integer> p : parts) {
            all.addAll(p);
        }
        return all;
    }

    // test_acquire_contended
    @Test
    void acquireContended() {
        checkAcquireContended(false);
    }

    // test_multirelease
    @Test
    void multiRelease() {
        checkAcquireContended(true);
    }

    // test_try_acquire
    @Test
    void tryAcquire() {
        Semaphore sem = newSemaphore(2);
        assertTrue(sem.acquire(false));
        assertTrue(sem.acquire(false));
        assertFalse(sem.acquire(false));
        sem.release();
        assertTrue(sem.acquire(false));
    }

    // test_try_acquire_contended
    @Test
    void tryAcquireContended() {
        Semaphore sem = newSemaphore(4);
        sem.acquire();
        List<Boolean> results = new CopyOnWriteArrayList<>();
        new Bunch(5, () -> {
            results.add(sem.acquire(false));
            results.add(sem.acquire(false));
        }).waitForFinished();
        List<Boolean> sorted = new ArrayList<>(results);
        Collections.sort(sorted);
        List<Boolean> expected = new ArrayList<>(Collections.nCopies(7, false));
        expected.addAll(Collections.nCopies(3, true));
        assertEquals(expected, sorted);
    }

    // test_acquire_timeout
    @Test
    void acquireTimeout() {
        Semaphore sem = newSemaphore(2);
        assertTrue(sem.acquire(Duration.ofMillis(5)));
        assertTrue(sem.acquire(Duration.ofMillis(5)));
        assertFalse(sem.acquire(Duration.ofMillis(5)));
        sem.release();
        assertTrue(sem.acquire(Duration.ofMillis(5)));
        long t = System.nanoTime();
        assertFalse(sem.acquire(Duration.ofMillis(300)));
        assertTimeout(since(t), 0.3);
    }

    @Test
    void negativeTimeoutDoesNotWait() {
        Semaphore sem = newSemaphore(1);
        assertTrue(sem.acquire(Duration.ofSeconds(-1)));
        long t = System.nanoTime();
        assertFalse(sem.acquire(Duration.ofSeconds(-1)));
        assertFalse(sem.acquire(Duration.ZERO));
        assertTrue(since(t) < 1);
    }

    // test_default_value (Python's default value is 1)
    @Test
    void defaultValue() {
        Semaphore sem = newDefaultSemaphore();
        assertEquals(1, sem.value());
        sem.acquire();
        Bunch b = new Bunch(1, () -> {
            sem.acquire();
            sem.release();
        });
        b.waitForStarted();
        b.threads().forEach(Waits::awaitBlocked);
        assertEquals(0, b.finishedCount());
        sem.release();
        b.waitForFinished();
        assertEquals(1, sem.value());
    }

    // test_with
    @Test
    void with() {
        Semaphore sem = newSemaphore(2);
        Runnable withBlock = () -> {
            try (Guard _ = sem.enter()) {
                assertTrue(sem.acquire(false));
                sem.release();
                try (Guard _ = sem.enter()) {
                    assertFalse(sem.acquire(false));
                    throw new UnsupportedOperationException();
                }
            }
        };
        assertThrows(UnsupportedOperationException.class, withBlock::run);
        assertTrue(sem.acquire(false));
        sem.release();
        assertEquals(2, sem.value());
    }

    // test_repr
    @Test
    void repr() {
        Semaphore sem = newSemaphore(3);
        assertTrue(sem.toString().contains("value=3"), sem.toString());
        sem.acquire();
        assertTrue(sem.toString().contains("value=2"), sem.toString());
    }

    @Test
    void value() {
        Semaphore sem = newSemaphore(3);
        assertEquals(3, sem.value());
        sem.acquire();
        sem.acquire();
        assertEquals(1, sem.value());
        sem.release(2);
        assertEquals(3, sem.value());
    }

    @Test
    void releaseOfLessThanOneIsRefused() {
        Semaphore sem = newSemaphore(0);
        assertThrows(IllegalArgumentException.class, () -> sem.release(0));
        assertThrows(IllegalArgumentException.class, () -> sem.release(-1));
        assertEquals(0, sem.value());
    }

    @Test
    void guardClosedTwiceReleasesOnce() {
        Semaphore sem = newSemaphore(1);
        Guard g = sem.enter();
        assertEquals(0, sem.value());
        g.close();
        g.close();
        assertEquals(1, sem.value());
    }

    @Test
    void interruptedAcquireThrowsInterruptedErrorWithFlagSet() {
        for (int variant = 0; variant < 3; variant++) {
            int v = variant;
            Semaphore sem = newSemaphore(0);
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicReference<Boolean> flag = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try {
                    switch (v) {
                        case 0 -> sem.acquire();
                        case 1 -> sem.acquire(Duration.ofSeconds(20));
                        default -> sem.enter();
                    }
                } catch (Throwable e) {
                    thrown.set(e);
                }
                flag.set(Thread.currentThread().isInterrupted());
            });
            t.start();
            awaitBlocked(t);
            t.interrupt();
            Waits.join(t);
            assertSame(InterruptedError.class, thrown.get() == null ? null : thrown.get().getClass(), "variant " + v);
            assertEquals(true, flag.get(), "variant " + v);
            assertEquals(0, sem.value());
        }
    }
}
