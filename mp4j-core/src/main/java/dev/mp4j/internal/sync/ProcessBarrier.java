package dev.mp4j.internal.sync;

import dev.mp4j.internal.threads.AbstractBarrier;
import dev.mp4j.internal.util.LazyLogger;
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
 * state and count kept in shared memory (user words 0 and 1 of a {@link ProcessCondition} over an
 * {@link InternalLock}), as CPython's multiprocessing Barrier does. The condition's lock guards both words.
 * The action runs in whichever process arrives last, so it travels with the handle and must be serializable
 * to cross.
 *
 * <p>A process that dies inside the barrier breaks it, as a timeout would: the parties still inside get
 * {@link dev.mp4j.threading.BrokenBarrierError}, and so does every {@code await} until {@code reset()}; no
 * live party waits for a dead one. If it died holding the lock (arriving, running the action, leaving), the
 * next process to need the lock takes it over within about one slice (50 ms), breaks the barrier and logs a
 * WARNING. If it died waiting (in the condition's slot table, woken or not), a waiting party finds its slot
 * after at most {@link #CHECK_NANOS} without news and breaks the barrier, and so does {@code reset()}. A
 * barrier broken by a death has its count set to 0 (the dead party's share of it is unknown), and the count
 * never goes below 0, so {@code reset()} once the survivors have left makes the barrier usable again.
 */
public final class ProcessBarrier extends AbstractBarrier implements Serializable, SyncHandle {
    @Serial
    private static final long serialVersionUID = 1L;

    private static final System.Logger LOG = LazyLogger.of("dev.mp4j.multiprocessing");
    /** How long a waiting party waits for news before it looks for parties that died waiting. */
    static final long CHECK_NANOS = 200_000_000L;

    private final transient ProcessCondition cond;

    private ProcessBarrier(ProcessCondition cond, int parties, Runnable action, Duration timeout) {
        super(parties, action, timeout);
        this.cond = cond;
        ((InternalLock) cond.lock()).onTakeOver(dead -> {
            breakForDeath();
            return "the barrier is broken (its parties get BrokenBarrierError), " + cond.reapDead()
                    + " waiter(s) of dead processes freed";
        });
    }

    /** The lock held: breaks the barrier for a party that died, and forgets the count. */
    private void breakForDeath() {
        cond.setWord(COUNT, 0);
        cond.setWord(STATE, BROKEN);
        cond.signalAll();
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
        return new ProcessBarrier(ProcessCondition.create(InternalLock.create()), parties, action, timeout);
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
        cond.setWord(word, word == COUNT ? Math.max(0, value) : value);
    }

    /** Parties that died waiting are forgotten before a reset: the barrier breaks, its count goes to 0. */
    @Override
    protected void beforeReset() {
        if (cond.reapDead() > 0) {
            breakForDeath();
        }
    }

    /** Waits in turns of {@link #CHECK_NANOS}; a turn without news looks for parties that died waiting. */
    @Override
    protected void awaitChange(long deadline) {
        long left = Timeouts.remaining(deadline);
        boolean last = left <= CHECK_NANOS;
        if (!cond.await(Timeouts.toDuration(Math.min(left, CHECK_NANOS))) && !last && cond.reapDead() > 0) {
            LOG.log(System.Logger.Level.WARNING, () -> "a party of the barrier " + cond.names().getFirst()
                    + " died waiting: the barrier is broken (its parties get BrokenBarrierError)");
            breakForDeath();
        }
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

    /**
     * The serialized form: the condition, the number of parties, the action and the default timeout. A class, not a
     * record: a fresh JVM deserializing a record builds method handles for its constructor first.
     */
    private static final class Form implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
        private final ProcessCondition cond;
        private final int parties;
        private final Serializable action;
        private final Duration timeout;

        Form(ProcessCondition cond, int parties, Serializable action, Duration timeout) {
            this.cond = cond;
            this.parties = parties;
            this.action = action;
            this.timeout = timeout;
        }

        @Serial
        private Object readResolve() {
            return new ProcessBarrier(cond, parties, (Runnable) action, timeout);
        }
    }
}
