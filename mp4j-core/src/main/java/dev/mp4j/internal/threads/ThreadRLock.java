package dev.mp4j.internal.threads;

import dev.mp4j.threading.RLock;
import java.io.Serial;

/**
 * The thread-backed {@link RLock}, built as {@link java.util.concurrent.locks.ReentrantLock} is (non-fair).
 * States: the synchronizer state is the recursion count, {@code 0} when free; the exclusive owner is the
 * thread holding it. {@code 0 -> n} (by compare-and-set) sets the owner; only the owner moves the count
 * afterwards, and the release to {@code 0} clears the owner before publishing the count.
 */
public final class ThreadRLock extends SyncLock<ThreadRLock.Sync> implements RLock {
    static final class Sync extends ExclusiveSync {
        @Serial
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean tryAcquire(int n) {
            Thread current = Thread.currentThread();
            int c = getState();
            if (c == 0) {
                if (compareAndSetState(0, n)) {
                    setExclusiveOwnerThread(current);
                    return true;
                }
            } else if (getExclusiveOwnerThread() == current) {
                int next = c + n;
                if (next < 0) {
                    throw new IllegalStateException("maximum lock count exceeded");
                }
                setState(next);
                return true;
            }
            return false;
        }

        @Override
        protected boolean tryRelease(int n) {
            if (getExclusiveOwnerThread() != Thread.currentThread()) {
                throw new IllegalMonitorStateException("cannot release un-acquired lock");
            }
            int c = getState() - n;
            boolean free = c == 0;
            if (free) {
                setExclusiveOwnerThread(null);
            }
            setState(c);
            return free;
        }

        @Override
        protected boolean isHeldExclusively() {
            return getExclusiveOwnerThread() == Thread.currentThread();
        }

        Thread owner() {
            return getState() == 0 ? null : getExclusiveOwnerThread();
        }

        int count() {
            return getState();
        }
    }

    /** An unlocked re-entrant lock. */
    public ThreadRLock() {
        super(new Sync());
    }

    @Override
    public boolean locked() {
        return sync.count() != 0;
    }

    @Override
    public boolean isOwned() {
        return sync.isHeldExclusively();
    }

    @Override
    public long releaseSave() {
        if (!sync.isHeldExclusively()) {
            throw new IllegalMonitorStateException("cannot release un-acquired lock");
        }
        int count = sync.count();
        sync.release(count);
        return count;
    }

    @Override
    public void acquireRestore(long state) {
        sync.acquire((int) state);
    }

    /** @return how many times the calling thread holds the lock: {@code 0} if it does not */
    public int recursionCount() {
        return sync.isHeldExclusively() ? sync.count() : 0;
    }

    @Override
    public String toString() {
        // a snapshot read without the lock; owner and count may come from two neighbouring moments
        Thread owner = sync.owner();
        int count = owner == null ? 0 : sync.count();
        return Reprs.rlock(this, owner != null, owner == null ? "null" : owner.getName(), count);
    }
}
