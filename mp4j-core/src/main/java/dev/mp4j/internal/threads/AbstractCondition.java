package dev.mp4j.internal.threads;

import dev.mp4j.InterruptedError;
import dev.mp4j.internal.util.Timeouts;
import dev.mp4j.threading.Condition;
import dev.mp4j.threading.Lock;
import java.lang.ref.Reference;
import java.time.Duration;

/**
 * What a {@link Condition} is whatever keeps its waiters (CPython's {@code Condition}): the {@link Lock} methods
 * act on the underlying lock, and {@link #await(Duration)} is CPython's {@code wait}. The caller must own the
 * lock; it joins the waiters while it still holds it, so that a signal sent once the lock is free finds it;
 * it releases the lock completely ({@link OwnershipLock#releaseSave()}); it waits for a signal, the deadline
 * or an interrupt; it re-acquires the lock as it was ({@link OwnershipLock#acquireRestore(long)}) however the
 * wait ended, and only then throws for an interrupt. {@code signal(n)} checks ownership and hands the rest
 * to {@link #wake(int)}.
 *
 * <p>A subclass keeps the waiters (a queue in this JVM, slots in shared memory). Each waiter's state moves
 * from waiting to signalled (by a signaller) or to given up (by the waiter, on timeout or interrupt) by one
 * compare-and-set, so a signal is never spent on a waiter that has left, and a waiter that loses the race
 * to give up takes the signal.
 *
 * @param <W> what stands for one waiter while it waits
 */
public abstract class AbstractCondition<W> implements Condition, OwnershipLock {
    /** How a wait ended, as {@link #waitFor} reports it. */
    protected enum Woken {
        /** A signal came (perhaps as the waiter was giving up: then it takes the signal). */
        SIGNALLED,
        /** The deadline passed, and the waiter left before any signal. */
        TIMED_OUT,
        /** The thread was interrupted, and the waiter left before any signal. */
        INTERRUPTED
    }

    private final Lock lock;
    private final OwnershipLock owner;

    /**
     * @param lock the lock the condition waits on
     * @param owner the same lock, as one that can be released completely and restored
     */
    protected AbstractCondition(Lock lock, OwnershipLock owner) {
        this.lock = lock;
        this.owner = owner;
    }

    /** @return the underlying lock */
    public final Lock lock() {
        return lock;
    }

    @Override
    public final boolean acquire(Duration timeout) {
        return lock.acquire(timeout);
    }

    @Override
    public final void release() {
        lock.release();
    }

    @Override
    public final boolean locked() {
        return lock.locked();
    }

    @Override
    public final boolean isOwned() {
        return owner.isOwned();
    }

    @Override
    public final long releaseSave() {
        return owner.releaseSave();
    }

    @Override
    public final void acquireRestore(long state) {
        owner.acquireRestore(state);
    }

    @Override
    public final boolean await(Duration timeout) {
        checkOwned("cannot wait on un-acquired lock");
        if (Thread.interrupted()) {
            throw InterruptedError.restore(null);
        }
        long deadline = Timeouts.deadline(Timeouts.toNanos(timeout));
        Woken how;
        try {
            W waiter = enqueue();
            long saved;
            try {
                saved = owner.releaseSave();
            } catch (RuntimeException | Error e) {
                dequeue(waiter);
                throw e;
            }
            try {
                how = waitFor(waiter, deadline);
            } finally {
                owner.acquireRestore(saved);
                restored(waiter);
            }
        } finally {
            Reference.reachabilityFence(this); // what the waiters live in stays mapped until here
        }
        if (how == Woken.INTERRUPTED) {
            throw InterruptedError.restore(null);
        }
        return how == Woken.SIGNALLED;
    }

    @Override
    public final void signal(int n) {
        checkOwned("cannot notify on un-acquired lock");
        if (n > 0) {
            wake(n);
        }
    }

    private void checkOwned(String message) {
        if (!owner.isOwned()) {
            throw new IllegalMonitorStateException(message);
        }
    }

    /**
     * Adds the calling thread, which holds the lock, to the waiters.
     *
     * @return the new waiter
     */
    protected abstract W enqueue();

    /** Takes back a waiter that never waited: the lock could not be released. */
    protected abstract void dequeue(W waiter);

    /**
     * Waits, without the lock, until the waiter is signalled, the deadline passes or the thread is interrupted,
     * and leaves the waiters. A waiter interrupted after it was signalled takes the signal and keeps its
     * interrupt flag set.
     *
     * @param deadline from {@link Timeouts#deadline(long)}
     * @return how the wait ended
     */
    protected abstract Woken waitFor(W waiter, long deadline);

    /**
     * Called once the waiter that {@link #waitFor} let go of holds the lock again; the default does nothing.
     *
     * @param waiter the waiter, which has left the waiters
     */
    protected void restored(W waiter) {}

    /**
     * Wakes the {@code n} longest-waiting waiters, or all if fewer wait; the caller holds the lock.
     *
     * @param n at least 1
     */
    protected abstract void wake(int n);

    /** @return how many wait (a snapshot) */
    public abstract int waiting();

    @Override
    public String toString() {
        return "<Condition(" + lock + ", " + waiting() + ")>";
    }
}
