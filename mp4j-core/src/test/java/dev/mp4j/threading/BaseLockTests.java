package dev.mp4j.threading;

import static dev.mp4j.threading.Waits.assertTimeout;
import static dev.mp4j.threading.Waits.awaitBlocked;
import static dev.mp4j.threading.Waits.since;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.InterruptedError;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Behaviour shared by re-entrant and plain locks: CPython's {@code lock_tests.BaseLockTests}, plus the mp4j
 * mapping rules (guards, interrupts, timeouts as {@code Duration}). An implementation joins by subclassing
 * {@link LockTests} or {@link RLockTests} and making its locks in {@link #newLock()}.
 */
abstract class BaseLockTests {
    /** @return a new, unlocked lock of the kind under test */
    protected abstract Lock newLock();

    // test_constructor
    @Test
    void constructor() {
        assertFalse(newLock().locked());
    }

    // test_repr, test_locked_repr
    @Test
    void repr() {
        Lock lock = newLock();
        assertTrue(lock.toString().startsWith("<unlocked "), lock.toString());
        lock.acquire();
        assertTrue(lock.toString().startsWith("<locked "), lock.toString());
        lock.release();
    }

    // test_acquire_destroy
    @Test
    void acquireDestroy() {
        Lock lock = newLock();
        assertTrue(lock.acquire());
        assertTrue(lock.locked());
    }

    // test_acquire_release
    @Test
    void acquireRelease() {
        Lock lock = newLock();
        assertTrue(lock.acquire());
        lock.release();
        assertFalse(lock.locked());
    }

    // test_try_acquire
    @Test
    void tryAcquire() {
        Lock lock = newLock();
        assertTrue(lock.acquire(false));
        lock.release();
    }

    // test_try_acquire_contended
    @Test
    void tryAcquireContended() {
        Lock lock = newLock();
        lock.acquire();
        List<Boolean> result = new CopyOnWriteArrayList<>();
        new Bunch(1, () -> result.add(lock.acquire(false))).waitForFinished();
        assertEquals(List.of(false), result);
        lock.release();
    }

    // test_acquire_contended
    @Test
    void acquireContended() {
        Lock lock = newLock();
        lock.acquire();
        int n = 5;
        Bunch b = new Bunch(n, () -> {
            lock.acquire();
            lock.release();
        });
        b.waitForStarted();
        b.threads().forEach(Waits::awaitBlocked);
        assertEquals(0, b.finishedCount());
        lock.release();
        b.waitForFinished();
        assertEquals(n, b.finishedCount());
    }

    // test_with
    @Test
    void with() {
        Lock lock = newLock();
        Bunch.Body f = () -> {
            lock.acquire();
            lock.release();
        };
        try (Guard _ = lock.enter()) {
            assertTrue(lock.locked());
        }
        new Bunch(1, f).waitForFinished(); // the lock is free again
        assertThrows(UnsupportedOperationException.class, () -> {
            try (Guard _ = lock.enter()) {
                throw new UnsupportedOperationException();
            }
        });
        new Bunch(1, f).waitForFinished();
        assertFalse(lock.locked());
    }

    // test_thread_leak: threads that used the lock are gone once joined
    @Test
    void threadLeak() {
        Lock lock = newLock();
        // Compare sets, not counts: the JVM's own threads (a process reaper of an earlier test) may end meanwhile.
        java.util.Set<Thread> before = java.util.Set.copyOf(Threading.enumerate());
        new Bunch(15, () -> {
            lock.acquire();
            lock.release();
        }).waitForFinished();
        assertEquals(List.of(), Threading.enumerate().stream().filter(t -> !before.contains(t)).toList(),
                "threads left behind");
    }

    // test_timeout (negative and huge timeouts: mp4j counts a negative one as zero and saturates a huge one
    // instead of raising ValueError and OverflowError)
    @Test
    void timeout() {
        Lock lock = newLock();
        assertTrue(lock.acquire(Duration.ofSeconds(Long.MAX_VALUE)));
        lock.release();
        long t1 = System.nanoTime();
        assertTrue(lock.acquire(Duration.ofSeconds(5)));
        assertTrue(since(t1) < 5);
        List<Object> results = new CopyOnWriteArrayList<>();
        new Bunch(1, () -> {
            long start = System.nanoTime();
            results.add(lock.acquire(Duration.ofMillis(300)));
            results.add(since(start));
        }).waitForFinished();
        assertEquals(false, results.get(0));
        assertTimeout((Double) results.get(1), 0.3);
    }

    @Test
    void negativeAndZeroTimeoutDoNotWait() {
        Lock lock = newLock();
        assertTrue(lock.acquire(Duration.ofSeconds(-5)));
        List<Boolean> results = new CopyOnWriteArrayList<>();
        new Bunch(1, () -> {
            long start = System.nanoTime();
            results.add(lock.acquire(Duration.ofSeconds(-5)));
            results.add(lock.acquire(Duration.ZERO));
            results.add(lock.acquire(false));
            results.add(since(start) < 1);
        }).waitForFinished();
        assertEquals(List.of(false, false, false, true), results);
        lock.release();
    }

    @Test
    void nullTimeoutBlocksUntilReleased() {
        Lock lock = newLock();
        lock.acquire();
        List<Boolean> results = new CopyOnWriteArrayList<>();
        Bunch b = new Bunch(1, () -> {
            results.add(lock.acquire((Duration) null));
            lock.release();
        });
        b.threads().forEach(Waits::awaitBlocked);
        assertTrue(results.isEmpty());
        lock.release();
        b.waitForFinished();
        assertEquals(List.of(true), results);
    }

    @Test
    void guardClosedTwiceReleasesOnce() {
        Lock lock = newLock();
        Guard g = lock.enter();
        assertTrue(lock.locked());
        g.close();
        assertFalse(lock.locked());
        lock.acquire();
        g.close(); // must not release the acquisition made after the first close
        assertTrue(lock.locked());
        lock.release();
    }

    @Test
    void interruptedAcquireThrowsInterruptedErrorWithFlagSet() {
        for (int variant = 0; variant < 4; variant++) {
            int v = variant;
            Lock lock = newLock();
            lock.acquire();
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicReference<Boolean> flag = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try {
                    switch (v) {
                        case 0 -> lock.acquire();
                        case 1 -> lock.acquire(true);
                        case 2 -> lock.acquire(Duration.ofSeconds(20));
                        default -> lock.enter();
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
            assertNotNull(thrown.get(), "variant " + v);
            assertSame(InterruptedError.class, thrown.get().getClass(), "variant " + v);
            assertEquals(true, flag.get(), "variant " + v);
            assertTrue(lock.locked());
            lock.release();
            assertFalse(lock.locked());
        }
    }

    @Test
    void uncontendedAcquireSucceedsDespiteInterruptFlag() {
        Lock lock = newLock();
        Thread.currentThread().interrupt();
        try {
            assertTrue(lock.acquire());
            assertTrue(Thread.currentThread().isInterrupted());
            lock.release();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void waitersAllGetTheLockInTurn() throws Exception {
        Lock lock = newLock();
        int[] counter = {0};
        int threads = 4;
        int rounds = 2000;
        new Bunch(threads, () -> {
            for (int i = 0; i < rounds; i++) {
                try (Guard _ = lock.enter()) {
                    counter[0]++;
                }
            }
        }).waitForFinished();
        lock.acquire();
        assertEquals(threads * rounds, counter[0]);
        lock.release();
    }
}
