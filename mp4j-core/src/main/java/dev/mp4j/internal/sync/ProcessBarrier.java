package dev.mp4j.internal.sync;

import dev.mp4j.internal.threads.AbstractBarrier;
import dev.mp4j.internal.util.Timeouts;
import java.io.InvalidObjectException;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * A cross-process {@link dev.mp4j.threading.Barrier}: {@link AbstractBarrier}'s state machine (CPython's), its
 * state and count kept in shared memory (user words 0 and 1 of a {@link ProcessCondition} over a
 * {@link ProcessLock}), as CPython's multiprocessing Barrier does. The condition's lock guards both words.
 * The action runs in whichever process arrives last, so it travels with the handle and must be serializable
 * to cross. A party killed while it waits stays counted: the others wait for it until their timeout breaks
 * the barrier.
 */
public final class ProcessBarrier extends AbstractBarrier implements Serializable, SyncHandle {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient ProcessCondition cond;

    private ProcessBarrier(ProcessCondition cond, int parties, Runnable action, Duration timeout) {
        super(parties, action, timeout);
        this.cond = cond;
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
    protected void lock() {
        cond.acquire();
    }

    @Override
    protected void unlock() {
        cond.release();
    }

    @Override
    protected int word(int word) {
        return cond.word(word);
    }

    @Override
    protected void setWord(int word, int value) {
        cond.setWord(word, value);
    }

    @Override
    protected void awaitChange(long deadline) {
        long left = Timeouts.remaining(deadline);
        cond.await(Timeouts.toDuration(left));
    }

    @Override
    protected void signalAll() {
        cond.signalAll();
    }

    @Override
    public List<Handles.Resources> resources() {
        return cond.resourcesWithLock();
    }

    @Serial
    private Object writeReplace() throws NotSerializableException {
        Runnable action = action();
        if (action != null && !(action instanceof Serializable)) {
            throw new NotSerializableException("the barrier's action " + action.getClass().getName()
                    + " is not serializable, so the barrier cannot reach another process");
        }
        return new Form(cond, parties(), (Serializable) action, defaultTimeout());
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
