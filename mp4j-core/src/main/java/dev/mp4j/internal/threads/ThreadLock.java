package dev.mp4j.internal.threads;

import dev.mp4j.InterruptedError;
import dev.mp4j.internal.util.Timeouts;
import dev.mp4j.threading.Guard;
import java.io.Serial;
import java.time.Duration;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;

/**
 * The thread-backed {@link dev.mp4j.threading.Lock}. States: the synchronizer state is {@code 0} (unlocked)
 * or {@code 1} (locked); acquire moves {@code 0 -> 1} and release {@code 1 -> 0}, each by one compare-and-set,
 * from any thread. Waiting threads queue in the synchronizer (not fair: an arriving thread may take a lock
 * just released ahead of a queued one, as in CPython).
 */
public final class ThreadLock implements OwnershipLock {
    private static final class Sync extends AbstractQueuedSynchronizer {
        @Serial
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean tryAcquire(int ignored) {
            return getState() == 0 && compareAndSetState(0, 1);
        }

        @Override
        protected boolean tryRelease(int ignored) {
            if (!compareAndSetState(1, 0)) {
                throw new IllegalStateException("release unlocked lock");
            }
            return true;
        }

        boolean isLocked() {
            return getState() != 0;
        }
    }

    private final Sync sync = new Sync();

    /** An unlocked lock. */
    public ThreadLock() {}

    @Override
    public boolean acquire() {
        if (!sync.tryAcquire(1)) {
            try {
                sync.acquireInterruptibly(1);
            } catch (InterruptedException e) {
                throw InterruptedError.restore(e);
            }
        }
        return true;
    }

    @Override
    public boolean acquire(boolean block) {
        return block ? acquire() : sync.tryAcquire(1);
    }

    @Override
    public boolean acquire(Duration timeout) {
        if (sync.tryAcquire(1)) {
            return true;
        }
        long nanos = Timeouts.toNanos(timeout);
        if (nanos == Timeouts.FOREVER) {
            return acquire();
        }
        if (nanos == 0) {
            return false;
        }
        try {
            return sync.tryAcquireNanos(1, nanos);
        } catch (InterruptedException e) {
            throw InterruptedError.restore(e);
        }
    }

    @Override
    public void release() {
        sync.release(1);
    }

    @Override
    public boolean locked() {
        return sync.isLocked();
    }

    @Override
    public Guard enter() {
        acquire();
        return new OnceGuard(this::release);
    }

    /** A lock without owners counts as owned while it is locked (CPython's trial-acquire test). */
    @Override
    public boolean isOwned() {
        return sync.isLocked();
    }

    @Override
    public long releaseSave() {
        try {
            sync.release(1);
        } catch (IllegalStateException e) {
            throw new IllegalMonitorStateException("cannot wait on un-acquired lock");
        }
        return 1;
    }

    @Override
    public void acquireRestore(long state) {
        sync.acquire(1);
    }

    @Override
    public String toString() {
        return "<" + (locked() ? "locked" : "unlocked") + " Lock at " + Reprs.address(this) + ">";
    }
}
