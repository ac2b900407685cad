package dev.mp4j.threading;

import dev.mp4j.internal.util.Timeouts;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * A condition variable (Python's {@code threading.Condition}) bound to a lock: threads that hold the lock
 * {@link #await()} until another thread that holds it calls {@link #signal()}. The {@code Lock} methods
 * ({@code acquire}, {@code release}, {@code locked}, {@code enter}) act on the underlying lock.
 *
 * <p>Waiters are woken in the order they began waiting: {@code signal(n)} wakes the {@code n} longest
 * waiting threads, and a woken thread returns from {@code await} once it has re-acquired the lock. There are
 * no spurious wake-ups, though a woken thread must still re-check what it waited for, since another thread
 * may have changed it before the lock was re-acquired ({@link #awaitFor} does that loop).
 *
 * <p>{@code await} releases the lock completely, even a re-entrant lock held several times, and restores
 * it as it was before returning or throwing. Calling {@code await} or {@code signal} without holding the
 * lock throws {@link IllegalMonitorStateException}. An interrupted {@code await} re-acquires the lock,
 * sets the interrupt flag again and throws {@link dev.mp4j.InterruptedError}; a waiter that was signalled
 * and interrupted at about the same time returns normally with its interrupt flag set, so no signal is
 * lost.
 *
 * <p>An implementation provides, beside the {@code Lock} methods, the timed {@link #await(Duration)} and
 * {@link #signal(int)}; {@code await()}, {@code awaitFor}, {@code signal()} and {@code signalAll()} are defined
 * from them.
 *
 * @since 0.1
 */
public interface Condition extends Lock {
    /**
     * Releases the lock, waits until signalled, re-acquires the lock.
     *
     * @return always {@code true}
     * @throws IllegalMonitorStateException if the calling thread does not hold the lock
     * @throws dev.mp4j.InterruptedError if interrupted while waiting
     */
    default boolean await() {
        return await((Duration) null);
    }

    /**
     * As {@link #await()}, waiting at most {@code timeout}.
     *
     * @param timeout the longest wait; {@code null} waits for ever, a negative duration counts as zero
     * @return {@code false} if the time ran out before a signal
     * @throws IllegalMonitorStateException if the calling thread does not hold the lock
     * @throws dev.mp4j.InterruptedError if interrupted while waiting
     */
    boolean await(Duration timeout);

    /**
     * Waits until {@code predicate} is true (Python's {@code wait_for}): evaluates it, and while it is false
     * awaits a signal and evaluates it again. The predicate runs with the lock held.
     *
     * @param predicate what to wait for
     * @return the last value of the predicate: {@code true}
     * @throws IllegalMonitorStateException if the calling thread does not hold the lock
     * @throws dev.mp4j.InterruptedError if interrupted while waiting
     */
    default boolean awaitFor(BooleanSupplier predicate) {
        return awaitFor(predicate, null);
    }

    /**
     * As {@link #awaitFor(BooleanSupplier)}, giving up when {@code timeout} has passed since the call.
     *
     * @param predicate what to wait for
     * @param timeout the longest wait in all; {@code null} waits for ever, a negative duration counts as zero
     * @return the last value of the predicate: {@code false} if it was still false when the time ran out
     * @throws IllegalMonitorStateException if the calling thread does not hold the lock
     * @throws dev.mp4j.InterruptedError if interrupted while waiting
     */
    default boolean awaitFor(BooleanSupplier predicate, Duration timeout) {
        Objects.requireNonNull(predicate, "predicate");
        long deadline = Timeouts.deadline(Timeouts.toNanos(timeout));
        boolean result = predicate.getAsBoolean();
        while (!result) {
            long left = Timeouts.remaining(deadline);
            if (left <= 0) {
                break;
            }
            await(Timeouts.toDuration(left));
            result = predicate.getAsBoolean();
        }
        return result;
    }

    /**
     * Wakes the longest-waiting thread, if any (Python's {@code notify()}).
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold the lock
     */
    default void signal() {
        signal(1);
    }

    /**
     * Wakes the {@code n} longest-waiting threads, or all if fewer wait; does nothing when {@code n < 1}.
     *
     * @param n how many to wake
     * @throws IllegalMonitorStateException if the calling thread does not hold the lock
     */
    void signal(int n);

    /**
     * Wakes every waiting thread (Python's {@code notify_all()}).
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold the lock
     */
    default void signalAll() {
        signal(Integer.MAX_VALUE);
    }
}
