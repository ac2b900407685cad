package dev.mp4j.internal.sync;

import dev.mp4j.internal.ffm.Posix;
import dev.mp4j.internal.threads.OwnershipLock;
import dev.mp4j.internal.threads.Reprs;
import dev.mp4j.internal.util.Timeouts;
import dev.mp4j.internal.wire.Portable;
import dev.mp4j.threading.RLock;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.List;

/**
 * A cross-process {@link RLock}: a POSIX named semaphore of value 1, owned by one thread of one process
 * (CPython's SemLock of kind RECURSIVE_MUTEX). The semaphore is taken on the first acquisition and posted on
 * the last release; the owner and the recursion count are kept in this JVM's handle (there is one handle per
 * lock per JVM), since only the owning thread reads or changes them: {@code owner} is null while this JVM does
 * not hold the lock; {@code count} is read and written by the owner only.
 *
 * <p>A process killed while it holds the lock leaves it held, as in CPython (the lock is its user's, not
 * mp4j's): other processes' timed acquisitions time out, untimed ones wait for ever; nothing repairs it.
 */
public final class ProcessRLock implements RLock, OwnershipLock, Serializable, SyncHandle, Portable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient Posix.Sem sem;
    private final transient Handles.Resources resources;
    private transient volatile Thread owner;
    private transient int count; // the owner's

    private ProcessRLock(Posix.Sem sem, boolean creator) {
        this.sem = sem;
        this.resources = Handles.track(this, creator, sem.name(), sem, null, null);
    }

    /** @return a new unlocked re-entrant lock, its name owned by this JVM */
    static ProcessRLock create() {
        String name = Handles.freshSemName();
        ProcessRLock lock = new ProcessRLock(Handles.createSem(name, 1), true);
        Handles.remember(name, lock);
        return lock;
    }

    private static ProcessRLock attach(String sem) {
        return Handles.canonical(sem, ProcessRLock.class, () -> new ProcessRLock(Posix.semAttach(sem), false));
    }

    @Override
    public boolean acquire(Duration timeout) {
        Thread me = Thread.currentThread();
        if (owner == me) {
            if (count == Integer.MAX_VALUE) {
                throw new IllegalStateException("maximum lock count exceeded");
            }
            count++;
            return true;
        }
        try {
            if (!Waiting.acquire(sem, Timeouts.deadline(Timeouts.toNanos(timeout)))) {
                return false;
            }
        } finally {
            Reference.reachabilityFence(this);
        }
        count = 1;
        owner = me;
        return true;
    }

    @Override
    public void release() {
        if (owner != Thread.currentThread()) {
            throw new IllegalMonitorStateException("cannot release un-acquired lock");
        }
        if (--count == 0) {
            owner = null;
            Handles.post(sem, this);
        }
    }

    @Override
    public boolean locked() {
        return Handles.semValue(sem, this) == 0;
    }

    @Override
    public boolean isOwned() {
        return owner == Thread.currentThread();
    }

    @Override
    public long releaseSave() {
        if (owner != Thread.currentThread()) {
            throw new IllegalMonitorStateException("cannot release un-acquired lock");
        }
        int saved = count;
        count = 0;
        owner = null;
        Handles.post(sem, this);
        return saved;
    }

    @Override
    public void acquireRestore(long saved) {
        try {
            Waiting.acquireUninterruptibly(sem);
        } finally {
            Reference.reachabilityFence(this);
        }
        count = (int) saved;
        owner = Thread.currentThread();
    }

    /** @return how many times the calling thread holds the lock: {@code 0} if it does not */
    public int recursionCount() {
        return isOwned() ? count : 0;
    }

    @Override
    public List<Handles.Resources> resources() {
        return List.of(resources);
    }

    /**
     * As the thread-backed RLock's, with CPython's words for a holder outside this JVM's view: the owner is a
     * thread of this JVM, {@code SomeOtherProcess} when the lock is held elsewhere, or {@code null}. The count
     * is known for this JVM's owner only. A snapshot read without the lock.
     */
    @Override
    public String toString() {
        Thread t = owner;
        int c = t == null ? 0 : count;
        boolean locked = t != null || locked();
        String who = t != null ? t.getName() : locked ? "SomeOtherProcess" : "null";
        return Reprs.rlock(this, locked, who, c);
    }

    @Serial
    private Object writeReplace() {
        return new Form(sem.name());
    }

    @Override
    public Class<? extends Portable.Form> formClass() {
        return Form.class;
    }

    @Override
    public Object[] formValues() {
        return new Object[] {sem.name()};
    }

    @Serial
    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("a ProcessRLock travels as its name");
    }

    /**
     * The serialized form: the semaphore's name. A class, not a record: a fresh JVM deserializing a record builds
     * method handles for its constructor first.
     */
    private static final class Form implements Portable.Form {
        @Serial
        private static final long serialVersionUID = 1L;

        static {
            Portable.register(Form.class, 1, v -> attach((String) v[0]));
        }

        private final String sem;

        Form(String sem) {
            this.sem = sem;
        }

        @Serial
        private Object readResolve() {
            return attach(sem);
        }
    }
}
