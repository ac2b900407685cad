package dev.mp4j.internal.threads;

import java.io.Serial;

/**
 * The thread-backed {@link dev.mp4j.threading.Lock}. States: the synchronizer state is {@code 0} (unlocked)
 * or {@code 1} (locked); acquire moves {@code 0 -> 1} and release {@code 1 -> 0}, each by one compare-and-set,
 * from any thread. Waiting threads queue in the synchronizer (not fair: an arriving thread may take a lock
 * just released ahead of a queued one, as in CPython).
 */
public final class ThreadLock extends SyncLock<ThreadLock.Sync> {
    static final class Sync extends ExclusiveSync {
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

    /** An unlocked lock. */
    public ThreadLock() {
        super(new Sync());
    }

    @Override
    public boolean locked() {
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
        return Reprs.lock(this, locked());
    }
}
