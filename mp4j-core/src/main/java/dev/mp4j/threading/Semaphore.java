package dev.mp4j.threading;

import dev.mp4j.internal.threads.OnceGuard;
import java.time.Duration;

/**
 * A counting semaphore (Python's {@code threading.Semaphore} and {@code BoundedSemaphore}): {@code acquire}
 * waits until the count is positive and decrements it, {@code release} increments it and wakes waiters.
 * A bounded semaphore refuses, with {@link IllegalStateException}, a release that would raise the count above
 * its initial value; the check and the increment are one atomic step.
 *
 * <p>A {@code release} happens-before the {@code acquire} that takes the count it added. Blocking
 * acquisitions are interruptible ({@link dev.mp4j.InterruptedError}, interrupt flag set again).
 *
 * <p>An implementation provides the timed {@link #acquire(Duration)}, {@link #release(int)} and
 * {@link #value()}; the other acquisitions, {@link #release()} and {@link #enter()} are defined from them.
 *
 * @since 0.1
 */
public interface Semaphore {
    /**
     * Waits until the count is positive, then decrements it.
     *
     * @return always {@code true}
     * @throws dev.mp4j.InterruptedError if interrupted while waiting
     */
    default boolean acquire() {
        return acquire((Duration) null);
    }

    /**
     * Decrements the count, waiting for it to become positive only if {@code block} is true.
     *
     * @param block whether to wait
     * @return whether the count was decremented
     * @throws dev.mp4j.InterruptedError if interrupted while waiting
     */
    default boolean acquire(boolean block) {
        return acquire(block ? null : Duration.ZERO);
    }

    /**
     * Decrements the count, waiting at most {@code timeout} for it to become positive.
     *
     * @param timeout the longest wait; {@code null} waits for ever, a negative or zero duration does not wait
     * @return whether the count was decremented
     * @throws dev.mp4j.InterruptedError if interrupted while waiting
     */
    boolean acquire(Duration timeout);

    /**
     * Increments the count by one, waking a waiter.
     *
     * @throws IllegalStateException if the semaphore is bounded and the count is already at its initial value
     */
    default void release() {
        release(1);
    }

    /**
     * Increments the count by {@code n}, waking up to {@code n} waiters.
     *
     * @param n how much to add, at least 1
     * @throws IllegalArgumentException if {@code n < 1}
     * @throws IllegalStateException if the semaphore is bounded and the count would pass its initial value
     *     (the count is then left unchanged)
     */
    void release(int n);

    /** @return the current count (a snapshot) */
    int value();

    /**
     * Acquires (blocking, as {@link #acquire()}) and returns a guard whose {@code close()} releases once.
     *
     * @return the guard
     * @throws dev.mp4j.InterruptedError if interrupted while waiting
     */
    default Guard enter() {
        acquire();
        return new OnceGuard(this::release);
    }
}
