package dev.mp4j.internal.threads;

import dev.mp4j.InterruptedError;
import dev.mp4j.internal.util.Timeouts;
import java.io.Serial;
import java.time.Duration;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;

/**
 * The synchronizer under the thread-backed lock, re-entrant lock and semaphore, with the one timed acquisition
 * their {@code acquire} overloads come down to: one try, which succeeds whatever the interrupt flag says, then
 * an interruptible wait in the synchronizer's queue, for ever ({@code null}) or at most the timeout (none at all
 * for zero or less). Exclusive mode for the locks, shared mode for the semaphore; one unit at a time.
 */
abstract class TimedSync extends AbstractQueuedSynchronizer {
    @Serial
    private static final long serialVersionUID = 1L;
    private final boolean shared;

    /** @param shared whether to acquire in shared mode ({@code tryAcquireShared}) rather than exclusive */
    TimedSync(boolean shared) {
        this.shared = shared;
    }

    /**
     * @param timeout the longest wait; {@code null} waits for ever, zero or less does not wait
     * @return whether one unit was acquired
     * @throws InterruptedError if interrupted while waiting (flag set again)
     */
    final boolean acquire(Duration timeout) {
        if (shared ? tryAcquireShared(1) >= 0 : tryAcquire(1)) {
            return true;
        }
        long nanos = Timeouts.toNanos(timeout);
        if (nanos == 0) {
            return false;
        }
        try {
            if (nanos != Timeouts.FOREVER) {
                return shared ? tryAcquireSharedNanos(1, nanos) : tryAcquireNanos(1, nanos);
            }
            if (shared) {
                acquireSharedInterruptibly(1);
            } else {
                acquireInterruptibly(1);
            }
            return true;
        } catch (InterruptedException e) {
            throw InterruptedError.restore(e);
        }
    }
}
