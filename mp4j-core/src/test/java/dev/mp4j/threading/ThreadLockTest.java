package dev.mp4j.threading;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link LockTests} on {@link Threading#lock()}. */
class ThreadLockTest extends LockTests {
    @Override
    protected Lock newLock() {
        return Threading.lock();
    }

    @Test
    void reprFormat() {
        Lock lock = newLock();
        assertTrue(lock.toString().matches("<unlocked Lock at 0x[0-9a-f]+>"), lock.toString());
        lock.acquire();
        assertTrue(lock.toString().matches("<locked Lock at 0x[0-9a-f]+>"), lock.toString());
        lock.release();
    }
}
