package dev.mp4j.threading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** CPython's {@code lock_tests.LockTests}: plain locks, which any thread may release. */
abstract class LockTests extends BaseLockTests {
    // test_reacquire: a thread that acquires twice blocks until someone releases
    @Test
    void reacquire() {
        Lock lock = newLock();
        AtomicInteger phase = new AtomicInteger();
        Bunch b = new Bunch(1, () -> {
            lock.acquire();
            phase.incrementAndGet();
            lock.acquire();
            phase.incrementAndGet();
        });
        b.threads().forEach(Waits::awaitBlocked);
        assertEquals(1, phase.get());
        lock.release();
        b.waitForFinished();
        assertEquals(2, phase.get());
        lock.release();
    }

    // test_different_thread: another thread may release
    @Test
    void differentThread() {
        Lock lock = newLock();
        lock.acquire();
        new Bunch(1, lock::release).waitForFinished();
        lock.acquire();
        lock.release();
    }

    // test_state_after_timeout
    @Test
    void stateAfterTimeout() {
        Lock lock = newLock();
        lock.acquire();
        assertFalse(lock.acquire(Duration.ofMillis(10)));
        lock.release();
        assertFalse(lock.locked());
        assertTrue(lock.acquire(false));
        lock.release();
    }

    // Python's "release unlocked lock" RuntimeError
    @Test
    void releaseUnlockedThrowsIllegalState() {
        Lock lock = newLock();
        assertThrows(IllegalStateException.class, lock::release);
        lock.acquire();
        lock.release();
        assertThrows(IllegalStateException.class, lock::release);
        assertFalse(lock.locked());
    }
}
