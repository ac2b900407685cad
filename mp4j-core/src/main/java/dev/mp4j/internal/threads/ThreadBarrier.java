package dev.mp4j.internal.threads;

import dev.mp4j.InterruptedError;
import dev.mp4j.internal.util.Timeouts;
import dev.mp4j.threading.Barrier;
import dev.mp4j.threading.BrokenBarrierError;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The thread-backed {@link Barrier}, with CPython 3's algorithm. States:
 * <pre>
 *   FILLING   threads arrive and wait; the last one runs the action and moves to DRAINING
 *   DRAINING  the round's threads leave; the last to leave moves back to FILLING
 *   RESETTING reset() while threads waited: they leave with BrokenBarrierError; the last to leave -> FILLING
 *   BROKEN    timeout, interrupt, abort() or a failed action: every await throws until reset()
 * </pre>
 * Arrivals during DRAINING or RESETTING wait for FILLING first. {@code lock} guards {@code state} and
 * {@code count} (threads inside {@code await}, past their arrival); {@code changed} is signalled on every
 * state change.
 */
public final class ThreadBarrier implements Barrier {
    private static final int FILLING = 0;
    private static final int DRAINING = 1;
    private static final int RESETTING = -1;
    private static final int BROKEN = -2;

    private final ReentrantLock lock = new ReentrantLock();
    private final java.util.concurrent.locks.Condition changed = lock.newCondition();
    private final int parties;
    private final Runnable action;
    private final Duration timeout;
    private int state = FILLING; // guarded by lock
    private int count; // guarded by lock

    /**
     * @param parties how many threads pass together
     * @param action run by the last thread to arrive before the others are released, or null
     * @param timeout the default timeout of {@link #await()}, or null for none
     * @throws IllegalArgumentException if {@code parties < 1}
     */
    public ThreadBarrier(int parties, Runnable action, Duration timeout) {
        if (parties < 1) {
            throw new IllegalArgumentException("parties must be >= 1, not " + parties);
        }
        this.parties = parties;
        this.action = action;
        this.timeout = timeout;
    }

    @Override
    public int await(Duration timeout) {
        long deadline = Timeouts.deadline(Timeouts.toNanos(timeout == null ? this.timeout : timeout));
        lock.lock();
        try {
            // wait for a draining or resetting round to empty; broken stays broken
            while (state == DRAINING || state == RESETTING) {
                changed.await();
            }
            if (state == BROKEN) {
                throw new BrokenBarrierError("barrier is broken");
            }
            int index = count++;
            try {
                if (index + 1 == parties) {
                    runAction();
                } else {
                    waitForRelease(deadline);
                }
                return index;
            } finally {
                count--;
                // the last thread out of a draining or resetting round opens the barrier for the next one
                if (count == 0 && (state == DRAINING || state == RESETTING)) {
                    state = FILLING;
                    changed.signalAll();
                }
            }
        } catch (InterruptedException e) {
            throw InterruptedError.restore(e);
        } finally {
            lock.unlock();
        }
    }

    private void runAction() {
        try {
            if (action != null) {
                action.run();
            }
            state = DRAINING;
            changed.signalAll();
        } catch (RuntimeException | Error e) {
            breakBarrier();
            throw e;
        }
    }

    private void waitForRelease(long deadline) throws InterruptedException {
        try {
            while (state == FILLING) {
                if (deadline == Timeouts.FOREVER) {
                    changed.await();
                } else {
                    long left = Timeouts.remaining(deadline);
                    if (left <= 0) {
                        breakBarrier();
                        throw new BrokenBarrierError("barrier wait timed out");
                    }
                    changed.awaitNanos(left);
                }
            }
        } catch (InterruptedException e) {
            breakBarrier();
            throw e;
        }
        if (state < 0) {
            throw new BrokenBarrierError(state == RESETTING ? "barrier was reset" : "barrier is broken");
        }
    }

    private void breakBarrier() {
        state = BROKEN;
        changed.signalAll();
    }

    @Override
    public void reset() {
        lock.lock();
        try {
            if (count > 0) {
                if (state == FILLING || state == BROKEN) {
                    state = RESETTING; // the last waiter to leave moves it to FILLING
                }
                // DRAINING or RESETTING already end in FILLING when the round has left
            } else {
                state = FILLING;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void abort() {
        lock.lock();
        try {
            breakBarrier();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int parties() {
        return parties;
    }

    @Override
    public int nWaiting() {
        lock.lock();
        try {
            return state == FILLING ? count : 0;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean broken() {
        lock.lock();
        try {
            return state == BROKEN;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            String at = "<Barrier at " + Reprs.address(this) + ": ";
            return state == BROKEN ? at + "broken>" : at + "waiters=" + count + "/" + parties + ">";
        } finally {
            lock.unlock();
        }
    }
}
