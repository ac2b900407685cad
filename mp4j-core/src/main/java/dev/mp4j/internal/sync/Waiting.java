package dev.mp4j.internal.sync;

import dev.mp4j.InterruptedError;
import dev.mp4j.internal.ffm.Posix;
import dev.mp4j.internal.util.Timeouts;
import java.util.concurrent.locks.LockSupport;

/**
 * How a thread waits for a named semaphore: {@code sem_trywait} first (the uncontended path: one critical
 * downcall, no allocation), then a few more tries a spin-wait apart (a lock another process holds for a
 * moment), then a native wait of at most {@link #SLICE_NANOS}; after that, until the deadline, a short park
 * followed by another native wait, over and over. The native wait cannot be interrupted, so interrupts are seen between
 * slices; the park makes a blocked thread show as {@code TIMED_WAITING} to monitoring tools (inside the native
 * wait it shows as {@code RUNNABLE}). No helper thread takes tokens on a waiter's behalf, so a waiter that gives
 * up never leaves a token in flight.
 */
final class Waiting {
    /** The longest native wait before the thread checks for interrupts again. */
    static final long SLICE_NANOS = Math.min(20_000_000L, Posix.SLICE_NANOS);
    /** How many times a waiter tries again, a spin-wait apart, before it sleeps. */
    private static final int SPINS = 100;
    /** The park between native waits. */
    private static final long PAUSE_NANOS = 50_000L;

    private Waiting() {}

    /**
     * Takes one token from {@code sem}.
     *
     * @param sem the semaphore
     * @param deadline from {@link Timeouts#deadline(long)}
     * @return true if a token was taken; false if the deadline passed first
     * @throws InterruptedError if the thread is interrupted while it waits (flag set)
     */
    static boolean acquire(Posix.Sem sem, long deadline) {
        if (Posix.semTryWait(sem)) {
            return true;
        }
        // a lock held for a short while by another process: catch its release without sleeping
        for (int i = 0; i < SPINS; i++) {
            Thread.onSpinWait();
            if (Posix.semTryWait(sem)) {
                return true;
            }
        }
        if (Timeouts.remaining(deadline) > 0 && !Thread.currentThread().isInterrupted()
                && Posix.semWaitSlice(sem, Math.min(Timeouts.remaining(deadline), SLICE_NANOS))) {
            return true;
        }
        while (true) {
            long left = Timeouts.remaining(deadline);
            if (left <= 0) {
                return false;
            }
            if (Thread.interrupted()) {
                throw InterruptedError.restore(null);
            }
            LockSupport.parkNanos(Math.min(left, PAUSE_NANOS));
            if (Thread.interrupted()) {
                throw InterruptedError.restore(null);
            }
            left = Timeouts.remaining(deadline);
            if (Posix.semWaitSlice(sem, Math.min(left, SLICE_NANOS))) {
                return true;
            }
        }
    }

    /**
     * Takes one token, waiting as long as it takes and not stopping for interrupts: an interrupt that arrives
     * meanwhile is left set on the thread (for re-acquiring a lock after a condition wait).
     *
     * @param sem the semaphore
     */
    static void acquireUninterruptibly(Posix.Sem sem) {
        boolean interrupted = false;
        while (true) {
            try {
                acquire(sem, Timeouts.FOREVER);
                break;
            } catch (InterruptedError e) {
                interrupted = true;
                Thread.interrupted();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
