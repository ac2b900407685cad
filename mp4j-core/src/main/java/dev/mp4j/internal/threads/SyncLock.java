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

    @Override
    public final boolean acquire(Duration timeout) {
        return sync.acquire(timeout);
    }

    @Override
    public final void release() {
        sync.release(1);
    }
}
