package dev.mp4j.threading;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.multiprocessing.Multiprocessing;
import org.junit.jupiter.api.Test;

/** {@link LockTests} on the cross-process lock of {@link Multiprocessing#lock()} (threads of one JVM). */
class ProcessLockTest extends LockTests {
    @Override
    protected Lock newLock() {
        return Multiprocessing.lock();
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
