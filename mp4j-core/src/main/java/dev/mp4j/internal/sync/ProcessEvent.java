package dev.mp4j.internal.sync;

import dev.mp4j.internal.threads.Reprs;
import dev.mp4j.internal.util.Timeouts;
import dev.mp4j.threading.Event;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * A cross-process {@link Event}: a flag in shared memory (user word 0 of a {@link ProcessCondition} over an
 * {@link InternalLock}), as CPython builds its Event from a Condition. {@code set} raises the flag and signals
 * every waiter, holding the lock; {@code clear} lowers it, holding the lock; {@code isSet} and the fast path
 * of {@code await} read the flag alone. A waiter returns {@code true} when a {@code set} signalled it, so a
 * {@code set} quickly followed by {@code clear} still releases every thread that was waiting.
 *
 * <p>A process that dies inside the event: if it held the lock (in the middle of {@code set}, {@code clear}
 * or {@code await}), the next process to need the lock takes it over within about one slice (50 ms) and logs
 * a WARNING; the flag is one word, so it is as the dead process last wrote it, and waiters a dead
 * {@code set} had not yet signalled are signalled by the next {@code set}. If it died waiting, its slot is
 * freed by the next {@code set}. No live process blocks because of it.
 */
public final class ProcessEvent implements Event, Serializable, SyncHandle {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final int FLAG = 0;

    private final transient ProcessCondition cond;

    private ProcessEvent(ProcessCondition cond) {
        this.cond = cond;
        ((InternalLock) cond.lock()).onTakeOver(dead -> "the event's flag is " + (isSet() ? "set" : "clear")
                + ", " + cond.reapDead() + " waiter(s) of dead processes freed");
    }

    /** @return a new event whose flag is clear, its names owned by this JVM */
    static ProcessEvent create() {
        return new ProcessEvent(ProcessCondition.create(InternalLock.create()));
    }

    @Override
    public boolean isSet() {
        return cond.word(FLAG) != 0;
    }

    @Override
    public void set() {
        cond.acquire();
        try {
            cond.setWord(FLAG, 1);
            cond.signalAll();
        } finally {
            cond.release();
        }
    }

    @Override
    public void clear() {
        cond.acquire();
        try {
            cond.setWord(FLAG, 0);
        } finally {
            cond.release();
        }
    }

    @Override
    public boolean await(Duration timeout) {
        if (isSet()) {
            return true;
        }
        long nanos = Timeouts.toNanos(timeout);
        if (nanos == 0) {
            return false;
        }
        long deadline = Timeouts.deadline(nanos);
        if (!cond.acquire(timeout)) {
            return isSet();
        }
        try {
            if (isSet()) {
                return true;
            }
            long left = Timeouts.remaining(deadline);
            return cond.await(Timeouts.toDuration(left));
        } finally {
            cond.release();
        }
    }

    @Override
    public List<Handles.Resources> resources() {
        return cond.resourcesWithLock();
    }

    @Override
    public String toString() {
        return Reprs.event(this, isSet());
    }

    @Serial
    private Object writeReplace() {
        return new Form(cond);
    }

    @Serial
    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("a ProcessEvent travels as its condition");
    }

    /**
     * The serialized form: the condition. A class, not a record: a fresh JVM deserializing a record builds method
     * handles for its constructor first.
     */
    private static final class Form implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
        private final ProcessCondition cond;

        Form(ProcessCondition cond) {
            this.cond = cond;
        }

        @Serial
        private Object readResolve() {
            return new ProcessEvent(cond);
        }
    }
}
