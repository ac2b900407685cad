package dev.mp4j.threading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.internal.threads.OwnershipLock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** CPython's {@code lock_tests.RLockTests}: re-entrant locks, owned by a thread. */
abstract class RLockTests extends BaseLockTests {
    @Override
    protected abstract RLock newLock();

    // test_reacquire
    @Test
    void reacquire() {
        Lock lock = newLock();
        lock.acquire();
        lock.acquire();
        lock.release();
        lock.acquire();
        lock.release();
        lock.release();
        assertFalse(lock.locked());
    }

    // test_release_unacquired
    @Test
    void releaseUnacquired() {
        Lock lock = newLock();
        assertThrows(IllegalMonitorStateException.class, lock::release);
        lock.acquire();
        lock.acquire();
        lock.release();
        lock.acquire();
        lock.release();
        lock.release();
        assertThrows(IllegalMonitorStateException.class, lock::release);
    }

    // test_release_save_unacquired
    @Test
    void releaseSaveUnacquired() {
        OwnershipLock lock = (OwnershipLock) newLock();
        assertThrows(IllegalMonitorStateException.class, lock::releaseSave);
        lock.acquire();
        lock.acquire();
        lock.release();
        lock.acquire();
        lock.release();
        lock.release();
        assertThrows(IllegalMonitorStateException.class, lock::releaseSave);
    }

    // test_different_thread: a thread that does not own the lock cannot release it
    @Test
    void differentThread() {
        Lock lock = newLock();
        Bunch b = new Bunch(1, lock::acquire, true);
        try {
            b.waitForStarted();
            while (!lock.locked()) {
                Thread.onSpinWait();
            }
            assertThrows(IllegalMonitorStateException.class, lock::release);
            assertTrue(lock.locked());
        } finally {
            b.doFinish();
            b.join();
        }
    }

    // test__is_owned
    @Test
    void isOwned() {
        OwnershipLock lock = (OwnershipLock) newLock();
        assertFalse(lock.isOwned());
        lock.acquire();
        assertTrue(lock.isOwned());
        lock.acquire();
        assertTrue(lock.isOwned());
        List<Boolean> result = new CopyOnWriteArrayList<>();
        new Bunch(1, () -> result.add(lock.isOwned())).waitForFinished();
        assertEquals(List.of(false), result);
        lock.release();
        assertTrue(lock.isOwned());
        lock.release();
        assertFalse(lock.isOwned());
    }

    // test_repr_count
    @Test
    void reprShowsOwnerAndCount() {
        Lock lock = newLock();
        assertTrue(lock.toString().contains("count=0"), lock.toString());
        lock.acquire();
        lock.acquire();
        String name = Thread.currentThread().getName();
        assertTrue(lock.toString().startsWith("<locked RLock owner=" + name + " count=2 at 0x"), lock.toString());
        lock.release();
        assertTrue(lock.toString().contains("count=1"), lock.toString());
        lock.release();
        assertTrue(lock.toString().startsWith("<unlocked RLock owner=null count=0 at 0x"), lock.toString());
    }

    // _release_save / _acquire_restore keep the recursion level
    @Test
    void releaseSaveRestoresRecursion() {
        OwnershipLock lock = (OwnershipLock) newLock();
        lock.acquire();
        lock.acquire();
        lock.acquire();
        long saved = lock.releaseSave();
        assertFalse(lock.locked());
        new Bunch(1, () -> {
            lock.acquire();
            lock.release();
        }).waitForFinished();
        lock.acquireRestore(saved);
        lock.release();
        lock.release();
        assertTrue(lock.isOwned());
        lock.release();
        assertFalse(lock.locked());
    }

    @Test
    void guardOfReentrantAcquisitions() {
        Lock lock = newLock();
        try (Guard _ = lock.enter()) {
            try (Guard _ = lock.enter()) {
                assertTrue(lock.locked());
            }
            assertTrue(lock.locked());
            assertTrue(((OwnershipLock) lock).isOwned());
        }
        assertFalse(lock.locked());
    }
}
