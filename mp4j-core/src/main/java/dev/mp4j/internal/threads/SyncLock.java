package dev.mp4j.internal.threads;

import java.io.Serial;
import java.time.Duration;

/**
 * What the thread-backed locks share: an exclusive synchronizer whose state counts holds, acquired with a
 * timeout and released one hold at a time. The synchronizer says what a hold is and who may release it.
 *
 * @param <S> the lock's synchronizer
 */
abstract class SyncLock<S extends SyncLock.ExclusiveSync> implements OwnershipLock {
    /** A synchronizer acquired in exclusive mode ({@code tryAcquire}, {@code tryRelease}). */
    abstract static class ExclusiveSync extends TimedSync {
        @Serial
        private static final long serialVersionUID = 1L;

        ExclusiveSync() {
            super(false);
        }
    }

    final S sync;

    SyncLock(S sync) {
        this.sync = sync;
    }

    // Not final, so that javac adds public bridges to the public subclasses: a manager's server calls
    // these by reflection, and a method of this package-private class is not accessible there.
    @Override
    public boolean acquire(Duration timeout) {
        return sync.acquire(timeout);
    }

    @Override
    public void release() {
        sync.release(1);
    }
}
