package dev.mp4j.internal.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.internal.wire.Codec;
import dev.mp4j.threading.Lock;
import dev.mp4j.threading.RLock;
import dev.mp4j.threading.Semaphore;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A task that captures a lock, a reentrant lock or a semaphore stays in the codec's fast form, and what is read
 * back works on the same named objects.
 */
@Timeout(60)
class PortableSyncTest {
    @Test
    void aTaskCapturingLocksAndSemaphoresTakesTheFastForm() throws Exception {
        Lock lock = ProcessSync.lock();
        RLock rlock = ProcessSync.rlock();
        Semaphore bounded = ProcessSync.semaphore(1, true);
        Semaphore sem = ProcessSync.semaphore(0, false);
        try {
            SerializableRunnable task = () -> {
                lock.acquire();
                sem.release();
                sem.release();
            };
            byte[] bytes = Codec.encode(task);
            assertEquals(0x01, bytes[0], "locks and semaphores in a task no longer need JDK serialization");
            ((Runnable) Codec.decode(bytes, null)).run();
            assertTrue(lock.locked(), "the lock read back is the same lock");
            assertTrue(sem.acquire(Duration.ofSeconds(10)));
            assertTrue(sem.acquire(Duration.ofSeconds(10)));
            lock.release();

            byte[] others = Codec.encode(new Object[] {rlock, bounded});
            assertEquals(0x01, others[0]);
            Object[] back = (Object[]) Codec.decode(others, null);
            assertTrue(((Semaphore) back[1]).acquire(Duration.ofSeconds(10)));
            assertFalse(bounded.acquire(Duration.ZERO), "the bounded semaphore read back shares its value");
            bounded.release();
            assertTrue(((RLock) back[0]).acquire(Duration.ofSeconds(10)));
            ((RLock) back[0]).release();
        } finally {
            for (Object h : new Object[] {lock, rlock, bounded, sem}) {
                ((SyncHandle) h).destroy();
            }
        }
    }
}
