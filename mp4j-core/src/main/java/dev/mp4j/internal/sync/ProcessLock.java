package dev.mp4j.internal.sync;

import dev.mp4j.internal.ffm.Posix;
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
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

/**
 * A cross-process {@link dev.mp4j.threading.Lock}: a POSIX named semaphore of value 1 (CPython's SemLock)
 * plus one shared word that says whether the lock is held, so that releasing an unlocked lock is refused
 * exactly, from any process. States: semaphore 1 and word 0 (unlocked); semaphore 0 and word 1 (locked).
 * Acquire takes the semaphore, then sets the word; release moves the word {@code 1 -> 0} by compare-and-set
 * (refusing if it was 0), then posts the semaphore. Any thread of any process may release.
 *
 * <p>Segment layout: {@code int held} at offset 0. A process killed while it holds the lock leaves it held
 * (as in CPython): other processes' timed acquisitions time out; nothing repairs it.
 */
public final class ProcessLock implements OwnershipLock, Serializable, SyncHandle, Portable {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final long HELD = 0;

    private final transient Posix.Sem sem;
    private final transient String shm;
    private final transient ByteBuffer state;
    private final transient Handles.Resources resources;

    private ProcessLock(Posix.Sem sem, Segment segment, boolean owner) {
        this.sem = sem;
        this.shm = segment.name();
        this.state = Words.view(segment.memory());
        this.resources = Handles.track(this, owner, sem.name(), sem, segment, null);
    }

    /** @return a new unlocked lock, its names owned by this JVM */
    static ProcessLock create() {
        String name = Handles.freshSemName();
        Posix.Sem sem = Handles.createSem(name, 1);
        ProcessLock lock = new ProcessLock(sem, Handles.createSegmentFor(sem, 8), true);
        Handles.remember(name, lock);
        return lock;
    }

    private static ProcessLock attach(String sem, String shm) {
        return Handles.canonical(sem, ProcessLock.class,
                () -> Handles.attachSem(sem, s -> new ProcessLock(s, Segment.attach(shm), false)));
    }

    @Override
    public boolean acquire(Duration timeout) {
        try {
            if (Waiting.acquire(sem, Timeouts.deadline(Timeouts.toNanos(timeout)))) {
                Words.setInt(state, HELD, 1);
                return true;
            }
            return false;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public void release() {
        try {
            if (!Words.casInt(state, HELD, 1, 0)) {
                throw new IllegalStateException("release unlocked lock");
            }
            Posix.semPost(sem);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public boolean locked() {
        return Handles.semValue(sem, this) == 0;
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
        try {
            Waiting.acquireUninterruptibly(sem);
            Words.setInt(state, HELD, 1);
        } finally {
            Reference.reachabilityFence(this);
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
        return new Form(sem.name(), shm);
    }

    @Override
    public Class<? extends Portable.Form> formClass() {
        return Form.class;
    }

    @Override
    public Object[] formValues() {
        return new Object[] {sem.name(), shm};
    }

    @Serial
    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("a ProcessLock travels as its names");
    }

    /**
     * The serialized form: the semaphore's and the segment's names. A class, not a record: a fresh JVM deserializing a
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
