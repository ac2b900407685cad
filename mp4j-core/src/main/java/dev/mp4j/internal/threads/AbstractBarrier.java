package dev.mp4j.internal.threads;

import dev.mp4j.InterruptedError;
import dev.mp4j.internal.util.Timeouts;
import dev.mp4j.threading.Barrier;
import dev.mp4j.threading.BrokenBarrierError;
import java.time.Duration;

/**
 * CPython 3's {@link Barrier} algorithm, over a lock, a condition and two words that a subclass keeps (in this
 * JVM, or in shared memory): {@code STATE} and {@code COUNT}. States:
 * <pre>
 *   FILLING   parties arrive and wait; the last one runs the action and moves to DRAINING
 *   DRAINING  the round's parties leave; the last to leave moves back to FILLING
 *   RESETTING reset() while parties waited: they leave with BrokenBarrierError; the last to leave -> FILLING
 *   BROKEN    timeout, interrupt, abort() or a failed action: every await throws until reset()
 * </pre>
 * Arrivals during DRAINING or RESETTING wait for FILLING first. The lock guards the state and the count
 * (parties inside {@code await}, past their arrival); the condition is signalled on every state change.
 */
public abstract class AbstractBarrier implements Barrier {
    /** The barrier's states: the values of {@link #state()}. */
    protected static final int FILLING = 0;
    protected static final int DRAINING = 1;
    protected static final int RESETTING = -1;
    protected static final int BROKEN = -2;
    /** The words: the state, and the count of parties inside {@code await}. */
    protected static final int STATE = 0;
    protected static final int COUNT = 1;

    private final int parties;
    private final Runnable action;
    private final Duration timeout;

    /**
     * @param parties how many parties pass together
     * @param action run by the last party to arrive before the others are released, or null
     * @param timeout the default timeout of {@link #await()}, or null for none
     * @throws IllegalArgumentException if {@code parties < 1}, or {@code timeout} is zero or negative (a
     *     default under which every party but the last breaks the barrier at once)
     */
    protected AbstractBarrier(int parties, Runnable action, Duration timeout) {
        checkArguments(parties, timeout);
        this.parties = parties;
        this.action = action;
        this.timeout = timeout;
    }

    /**
     * Checks a barrier's arguments, for the constructor and for a factory that makes the barrier elsewhere.
     *
     * @param parties how many parties pass together
     * @param timeout the default timeout, or null for none
     * @throws IllegalArgumentException if {@code parties < 1}, or {@code timeout} is zero or negative
     */
    public static void checkArguments(int parties, Duration timeout) {
        if (parties < 1) {
            throw new IllegalArgumentException("parties must be >= 1, not " + parties);
        }
        if (timeout != null && !timeout.isPositive()) {
            throw new IllegalArgumentException("a barrier's default timeout must be positive (or null for none), not "
                    + timeout);
        }
    }

    /** Takes the lock that guards the state and the count. */
    protected abstract void lock();

    /** Lets go of the lock. */
    protected abstract void unlock();

    /** @return word {@link #STATE} or {@link #COUNT} (the lock held) */
    protected abstract int word(int word);

    /** Sets word {@link #STATE} or {@link #COUNT} (the lock held). */
    protected abstract void setWord(int word, int value);

    /**
     * Waits, the lock held, for a signal of the condition; returns early when the deadline passes.
     *
     * @param deadline from {@link Timeouts#deadline(long)}
     * @throws InterruptedError if interrupted (flag set again)
     */
    protected abstract void awaitChange(long deadline);

    /** Wakes every party waiting on the condition (the lock held). */
    protected abstract void signalAll();

    /** @return the action, or null */
    protected final Runnable action() {
        return action;
    }

    /** @return the default timeout of {@link #await()}, or null */
    protected final Duration defaultTimeout() {
        return timeout;
    }

    private int state() {
        return word(STATE);
    }

    private void setState(int state) {
        setWord(STATE, state);
    }

    private int count() {
        return word(COUNT);
    }

    @Override
    public final int await(Duration timeout) {
        long deadline = Timeouts.deadline(Timeouts.toNanos(timeout == null ? this.timeout : timeout));
        lock();
        try {
            // wait for a draining or resetting round to empty; broken stays broken
            while (state() == DRAINING || state() == RESETTING) {
                awaitChange(Timeouts.FOREVER);
            }
            if (state() == BROKEN) {
                throw new BrokenBarrierError("barrier is broken");
            }
            int index = count();
            setWord(COUNT, index + 1);
            try {
                if (index + 1 == parties) {
                    runAction();
                } else {
                    waitForRelease(deadline);
                }
                return index;
            } finally {
                int left = count() - 1;
                setWord(COUNT, left);
                // the last party out of a draining or resetting round opens the barrier for the next one
                if (left == 0 && (state() == DRAINING || state() == RESETTING)) {
                    setState(FILLING);
                    signalAll();
                }
            }
        } finally {
            unlock();
        }
    }

    private void runAction() {
        try {
            if (action != null) {
                action.run();
            }
            setState(DRAINING);
            signalAll();
        } catch (RuntimeException | Error e) {
            breakBarrier();
            throw e;
        }
    }

    private void waitForRelease(long deadline) {
        try {
            while (state() == FILLING) {
                if (Timeouts.remaining(deadline) <= 0) {
                    breakBarrier();
                    throw new BrokenBarrierError("barrier wait timed out");
                }
                awaitChange(deadline);
            }
        } catch (InterruptedError e) {
            breakBarrier();
            throw e;
        }
        if (state() < 0) {
            throw new BrokenBarrierError(state() == RESETTING ? "barrier was reset" : "barrier is broken");
        }
    }

    private void breakBarrier() {
        setState(BROKEN);
        signalAll();
    }

    /**
     * Called by {@link #reset()} with the lock held, before it looks at the count: a subclass whose parties
     * may die without leaving forgets them here. The default does nothing.
     */
    protected void beforeReset() {}

    @Override
    public final void reset() {
        lock();
        try {
            beforeReset();
            if (count() > 0) {
                if (state() == FILLING || state() == BROKEN) {
                    setState(RESETTING); // the last waiter to leave moves it to FILLING
                }
                // DRAINING or RESETTING already end in FILLING when the round has left
            } else {
                setState(FILLING);
            }
            signalAll();
        } finally {
            unlock();
        }
    }

    @Override
    public final void abort() {
        lock();
        try {
            breakBarrier();
        } finally {
            unlock();
        }
    }

    @Override
    public final int parties() {
        return parties;
    }

    @Override
    public final int nWaiting() {
        lock();
        try {
            return state() == FILLING ? count() : 0;
        } finally {
            unlock();
        }
    }

    @Override
    public final boolean broken() {
        lock();
        try {
            return state() == BROKEN;
        } finally {
            unlock();
        }
    }

    @Override
    public String toString() {
        lock();
        try {
            String at = "<Barrier at " + Reprs.address(this) + ": ";
            return state() == BROKEN ? at + "broken>" : at + "waiters=" + count() + "/" + parties + ">";
        } finally {
            unlock();
        }
    }
}
