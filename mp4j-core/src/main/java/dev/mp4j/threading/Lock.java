package dev.mp4j.threading;

import dev.mp4j.internal.threads.OnceGuard;
import java.time.Duration;

/**
 * A primitive lock (Python's {@code threading.Lock}): locked or unlocked, owned by no thread. Any thread may
 * release it, not only the one that acquired it, and a thread that acquires it twice without releasing it
 * blocks itself.
 *
 * <p>Releasing the lock happens-before every later successful acquisition of it.
 *
 * <p>The blocking methods are interruptible: an interrupted waiter stops waiting, its interrupt flag is set
 * again, and the method throws {@link dev.mp4j.InterruptedError}. An acquisition that does not have to wait
 * succeeds whatever the interrupt flag says.
 *
 * <p>An implementation provides the timed {@link #acquire(Duration)}, {@link #release()} and {@link #locked()};
 * the other acquisitions and {@link #enter()} are defined from them.
 *
 * @since 0.1
 */
public interface Lock {
    /**
     * Blocks until the lock is free, then locks it.
     *
     * @return always {@code true}
     * @throws dev.mp4j.InterruptedError if interrupted while waiting
     */
    default boolean acquire() {
        return acquire((Duration) null);
    }

    /**
     * Locks the lock, blocking if {@code block} is true; with {@code block} false returns {@code false} at once
     * when the lock is taken.
     *
     * @param block whether to wait
     * @return whether the lock was acquired
     * @throws dev.mp4j.InterruptedError if interrupted while waiting
     */
    default boolean acquire(boolean block) {
        return acquire(block ? null : Duration.ZERO);
    }

    /**
     * Locks the lock, waiting at most {@code timeout}.
     *
     * @param timeout the longest wait; {@code null} waits for ever, a negative or zero duration does not wait
     * @return whether the lock was acquired
     * @throws dev.mp4j.InterruptedError if interrupted while waiting
     */
    boolean acquire(Duration timeout);

    /**
     * Unlocks the lock, letting one waiting thread (if any) acquire it.
     *
     * @throws IllegalStateException if the lock is not locked (for a re-entrant lock: see {@link RLock})
     */
    void release();

    /** @return whether the lock is currently held (a snapshot) */
    boolean locked();

    /**
     * Acquires the lock (blocking, as {@link #acquire()}) and returns a guard whose {@code close()} releases
     * it: {@code try (var g = lock.enter()) { ... }}.
     *
     * @return the guard
     * @throws dev.mp4j.InterruptedError if interrupted while waiting
     */
    default Guard enter() {
        acquire();
        return new OnceGuard(this::release);
    }
}
