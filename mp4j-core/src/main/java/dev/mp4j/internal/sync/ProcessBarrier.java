package dev.mp4j.internal.sync;

import dev.mp4j.InterruptedError;
import dev.mp4j.internal.util.Timeouts;
import dev.mp4j.threading.Barrier;
import dev.mp4j.threading.BrokenBarrierError;
import java.io.InvalidObjectException;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A cross-process {@link Barrier}: the thread-backed barrier's state machine (CPython's), its state and count
 * kept in shared memory (user words 0 and 1 of a {@link ProcessCondition} over a {@link ProcessLock}), as
 * CPython's multiprocessing Barrier does. States:
 * <pre>
 *   FILLING   parties arrive and wait; the last one runs the action and moves to DRAINING
 *   DRAINING  the round's parties leave; the last to leave moves back to FILLING
 *   RESETTING reset() while parties waited: they leave with BrokenBarrierError; the last to leave -> FILLING
 *   BROKEN    timeout, interrupt, abort() or a failed action: every await throws until reset()
 * </pre>
 * The condition's lock guards both words; the condition is signalled on every state change. The action runs
 * in whichever process arrives last, so it travels with the handle and must be serializable to cross. A party
 * killed while it waits stays counted: the others wait for it until their timeout breaks the barrier.
 */
public final class ProcessBarrier implements Barrier, Serializable, SyncHandle {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final int FILLING = 0;
    private static final int DRAINING = 1;
    private static final int RESETTING = -1;
    private static final int BROKEN = -2;
    private static final int STATE = 0;
    private static final int COUNT = 1;

    private final transient ProcessCondition cond;
    private final transient int parties;
    private final transient Runnable action;
    private final transient Duration timeout;

    private ProcessBarrier(ProcessCondition cond, int parties, Runnable action, Duration timeout) {
        this.cond = cond;
        this.parties = parties;
        this.action = action;
        this.timeout = timeout;
    }

    /**
     * @param parties how many parties pass together
     * @param action run by the last party to arrive before the others are released, or null
     * @param timeout the default timeout of {@link #await()}, or null for none
     * @return a new barrier, its names owned by this JVM
     * @throws IllegalArgumentException if {@code parties < 1}
     */
    static ProcessBarrier create(int parties, Runnable action, Duration timeout) {
        if (parties < 1) {
            throw new IllegalArgumentException("parties must be >= 1, not " + parties);
        }
        return new ProcessBarrier(ProcessCondition.create(ProcessLock.create()), parties, action, timeout);
    }

    @Override
    public int await(Duration timeout) {
        long deadline = Timeouts.deadline(Timeouts.toNanos(timeout == null ? this.timeout : timeout));
        cond.acquire();
        try {
            // wait for a draining or resetting round to empty; broken stays broken
            while (state() == DRAINING || state() == RESETTING) {
                cond.await();
            }
            if (state() == BROKEN) {
                throw new BrokenBarrierError("barrier is broken");
            }
            int index = count();
            cond.setWord(COUNT, index + 1);
            try {
                if (index + 1 == parties) {
                    runAction();
                } else {
                    waitForRelease(deadline);
                }
                return index;
            } finally {
                int left = count() - 1;
                cond.setWord(COUNT, left);
                // the last party out of a draining or resetting round opens the barrier for the next one
                if (left == 0 && (state() == DRAINING || state() == RESETTING)) {
                    cond.setWord(STATE, FILLING);
                    cond.signalAll();
                }
            }
        } finally {
            cond.release();
        }
    }

    private int state() {
        return cond.word(STATE);
    }

    private int count() {
        return cond.word(COUNT);
    }

    private void runAction() {
        try {
            if (action != null) {
                action.run();
            }
            cond.setWord(STATE, DRAINING);
            cond.signalAll();
        } catch (RuntimeException | Error e) {
            breakBarrier();
            throw e;
        }
    }

    private void waitForRelease(long deadline) {
        try {
            while (state() == FILLING) {
                long left = Timeouts.remaining(deadline);
                if (left <= 0) {
                    breakBarrier();
                    throw new BrokenBarrierError("barrier wait timed out");
                }
                cond.await(left == Timeouts.FOREVER ? null : Duration.ofNanos(left));
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
        cond.setWord(STATE, BROKEN);
        cond.signalAll();
    }

    @Override
    public void reset() {
        cond.acquire();
        try {
            if (count() > 0) {
                if (state() == FILLING || state() == BROKEN) {
                    cond.setWord(STATE, RESETTING); // the last waiter to leave moves it to FILLING
                }
                // DRAINING or RESETTING already end in FILLING when the round has left
            } else {
                cond.setWord(STATE, FILLING);
            }
            cond.signalAll();
        } finally {
            cond.release();
        }
    }

    @Override
    public void abort() {
        cond.acquire();
        try {
            breakBarrier();
        } finally {
            cond.release();
        }
    }

    @Override
    public int parties() {
        return parties;
    }

    @Override
    public int nWaiting() {
        cond.acquire();
        try {
            return state() == FILLING ? count() : 0;
        } finally {
            cond.release();
        }
    }

    @Override
    public boolean broken() {
        cond.acquire();
        try {
            return state() == BROKEN;
        } finally {
            cond.release();
        }
    }

    @Override
    public List<String> names() {
        List<String> names = new ArrayList<>(cond.names());
        names.addAll(((SyncHandle) cond.lock()).names());
        return names;
    }

    @Override
    public void destroy() {
        cond.destroy();
        ((SyncHandle) cond.lock()).destroy();
    }

    @Override
    public String toString() {
        cond.acquire();
        try {
            String at = "<Barrier at " + Handles.address(this) + ": ";
            return state() == BROKEN ? at + "broken>" : at + "waiters=" + count() + "/" + parties + ">";
        } finally {
            cond.release();
        }
    }

    @Serial
    private Object writeReplace() throws NotSerializableException {
        if (action != null && !(action instanceof Serializable)) {
            throw new NotSerializableException("the barrier's action " + action.getClass().getName()
                    + " is not serializable, so the barrier cannot reach another process");
        }
        return new Form(cond, parties, (Serializable) action, timeout);
    }

    @Serial
    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("a ProcessBarrier travels as its condition and settings");
    }

    /** The serialized form: the condition, the number of parties, the action and the default timeout. */
    private record Form(ProcessCondition cond, int parties, Serializable action, Duration timeout)
            implements Serializable {
        @Serial
        private Object readResolve() {
            return new ProcessBarrier(cond, parties, (Runnable) action, timeout);
        }
    }
}
