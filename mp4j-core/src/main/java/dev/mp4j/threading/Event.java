package dev.mp4j.threading;

import java.time.Duration;

/**
 * An event (Python's {@code threading.Event}): a flag that threads can wait for. {@link #set()} sets the
 * flag and wakes every waiting thread; {@link #clear()} resets it.
 *
 * <p>A thread woken by {@code set()} returns {@code true} even if the flag was cleared again before it ran.
 * {@code set()} happens-before the return of every {@code await} it ends.
 *
 * <p>An implementation provides the timed {@link #await(Duration)}; {@link #await()} is it without a timeout.
 *
 * @since 0.1
 */
public interface Event {
    /** @return whether the flag is set */
    boolean isSet();

    /** Sets the flag and wakes every waiting thread. */
    void set();

    /** Resets the flag. */
    void clear();

    /**
     * Waits until the flag is set (returns at once if it is).
     *
     * @return always {@code true}
     * @throws dev.mp4j.InterruptedError if interrupted while waiting
     */
    default boolean await() {
        return await(null);
    }

    /**
     * Waits at most {@code timeout} for the flag to be set.
     *
     * @param timeout the longest wait; {@code null} waits for ever, a negative duration counts as zero
     * @return the flag on return: {@code false} only if the time ran out
     * @throws dev.mp4j.InterruptedError if interrupted while waiting
     */
    boolean await(Duration timeout);
}
