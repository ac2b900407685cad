package dev.mp4j.internal.sync;

import dev.mp4j.InterruptedError;
import dev.mp4j.internal.ffm.Posix;
import dev.mp4j.internal.ring.PidLock;
import dev.mp4j.internal.ring.Ring;
import dev.mp4j.internal.shm.Segment;
import dev.mp4j.internal.shm.Words;
import dev.mp4j.internal.threads.OwnershipLock;
import dev.mp4j.internal.threads.Reprs;
import dev.mp4j.internal.util.Timeouts;
import dev.mp4j.internal.wire.Portable;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The lock inside a cross-process primitive that mp4j takes itself (an {@link ProcessEvent}'s, a
 * {@link ProcessBarrier}'s), never handed to a user: a {@link PidLock} in a segment of its own, with a named
 * semaphore as its bell. Unlike a {@link ProcessLock}, it survives a holder's death: the owner (pid and start
 * time) is recorded beside the lock, and a waiter that finds the owner dead after a slice without a post takes
 * the lock over, has the primitive repair what the lock guards ({@link #onTakeOver}) and logs a WARNING with
 * what was recovered. Any thread of the owning process may release it, as with a {@code ProcessLock}.
 *
 * <p>Segment layout: {@code int owner} (pid, 0 when free) at 0, {@code int start} (the owner's start time) at
 * 4, {@code int waiters} at 8.
 */
final class InternalLock implements OwnershipLock, Serializable, SyncHandle, Portable {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final long OWNER = 0;
    private static final long START = 4;
    private static final long WAITERS = 8;
    private static final IntFunction<String> NOTHING = dead -> "nothing to repair";

    private final transient Posix.Sem bell;
    private final transient String shm;
    private final transient PidLock lock;
    private final transient Handles.Resources resources;
    private transient volatile IntFunction<String> repair = NOTHING;

    private InternalLock(Posix.Sem bell, Segment segment, boolean owner) {
        this.bell = bell;
        this.shm = segment.name();
        this.lock = new PidLock(Words.view(segment.memory()), OWNER, START, WAITERS, bell, "the internal lock " + shm,
                dead -> repair.apply(dead));
        this.resources = Handles.track(this, owner, bell.name(), bell, segment, null);
    }

    /** @return a new unlocked lock, its names owned by this JVM */
    static InternalLock create() {
        String name = Handles.freshSemName();
        Posix.Sem bell = Handles.createSem(name, 0);
        InternalLock lock = new InternalLock(bell, Handles.createSegmentFor(bell, 16), true);
        Handles.remember(name, lock);
        return lock;
    }

    private static InternalLock attach(String sem, String shm) {
        return Handles.canonical(sem, InternalLock.class,
                () -> Handles.attachSem(sem, s -> new InternalLock(s, Segment.attach(shm), false)));
    }

    /**
     * Sets what the new owner does after taking the lock over from a dead one (the primitive that owns this
     * lock sets it when its handle is made in a process).
     *
     * @param repair given the dead owner's pid, repairs the guarded state and says what was recovered
     */
    void onTakeOver(IntFunction<String> repair) {
        this.repair = repair;
    }

    @Override
    public boolean acquire(Duration timeout) {
        try {
            return lock.lock(Timeouts.deadline(Timeouts.toNanos(timeout)), Ring.NONE);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public void release() {
        try {
            if (!lock.locked()) {
                throw new IllegalStateException("release unlocked lock");
            }
            lock.unlock();
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public boolean locked() {
        return lock.locked();
    }

    @Override
    public long releaseSave() {
        try {
            release();
        } catch (IllegalStateException e) {
            throw new IllegalMonitorStateException("cannot wait on un-acquired lock");
        }
        return 1;
    }

    @Override
    public void acquireRestore(long saved) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    lock.lock(Timeouts.FOREVER, Ring.NONE);
                    break;
                } catch (InterruptedError e) {
                    Thread.interrupted();
                    interrupted = true;
                }
            }
        } finally {
            Reference.reachabilityFence(this);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public List<Handles.Resources> resources() {
        return List.of(resources);
    }

    @Override
    public String toString() {
        return Reprs.lock(this, locked());
    }

    @Serial
    private Object writeReplace() {
        return new Form(bell.name(), shm);
    }

    @Override
    public Class<? extends Portable.Form> formClass() {
        return Form.class;
    }

    @Override
    public Object[] formValues() {
        return new Object[] {bell.name(), shm};
    }

    @Serial
    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("an InternalLock travels as its names");
    }

    /**
     * The serialized form: the bell's and the segment's names. A class, not a record: a fresh JVM deserializing a
     * record builds method handles for its constructor first.
     */
    private static final class Form implements Portable.Form {
        @Serial
        private static final long serialVersionUID = 1L;

        static {
            Portable.register(Form.class, 2, v -> attach((String) v[0], (String) v[1]));
        }

        private final String sem;
        private final String shm;

        Form(String sem, String shm) {
            this.sem = sem;
            this.shm = shm;
        }

        @Serial
        private Object readResolve() {
            return attach(sem, shm);
        }
    }
}
