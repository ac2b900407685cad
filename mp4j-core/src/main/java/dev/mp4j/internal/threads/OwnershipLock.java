package dev.mp4j.internal.threads;

import dev.mp4j.threading.Lock;

/**
 * A lock that a condition ({@link AbstractCondition}) can wait on exactly: it tells whether the calling thread holds it,
 * and can be released completely and later re-acquired into the same state (CPython's {@code _is_owned},
 * {@code _release_save} and {@code _acquire_restore}). A re-entrant lock saves its recursion count.
 *
 * <p>A {@link ThreadCondition} over a lock that does not implement this falls back to a trial acquisition to test
 * ownership and to a single {@code release()}/{@code acquire()} pair around the wait.
 */
public interface OwnershipLock extends Lock {
    /**
     * @return whether the calling thread holds the lock; for a lock without owners (any thread may
     *     release it), whether it is locked — the default, which a lock with owners overrides
     */
    default boolean isOwned() {
        return locked();
    }

    /**
     * Releases the lock completely, whatever its recursion depth.
     *
     * @return the state to hand to {@link #acquireRestore(long)}
     * @throws IllegalMonitorStateException if the calling thread does not hold the lock
     */
    long releaseSave();

    /**
     * Re-acquires the lock into the state {@link #releaseSave()} returned, waiting as long as it takes.
     * Does not stop for interrupts: an interrupt that arrives meanwhile is left set on the thread.
     *
     * @param state from {@link #releaseSave()}
     */
    void acquireRestore(long state);
}
