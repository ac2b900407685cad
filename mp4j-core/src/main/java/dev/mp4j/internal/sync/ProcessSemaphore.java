package dev.mp4j.internal.sync;

import dev.mp4j.internal.ffm.Posix;
import dev.mp4j.internal.shm.Segment;
import dev.mp4j.internal.shm.Words;
import dev.mp4j.internal.threads.Reprs;
import dev.mp4j.internal.util.Timeouts;
import dev.mp4j.internal.wire.Portable;
import dev.mp4j.threading.Semaphore;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

/**
 * A cross-process {@link Semaphore}, plain or bounded: a POSIX named semaphore holding the count.
 *
 * <p>A bounded one also keeps, in a shared word, how many permits are out (acquired and not yet released):
 * acquire takes from the semaphore, then adds one to the word; release subtracts {@code n} from the word by
 * compare-and-set, refusing when fewer than {@code n} are out, then posts {@code n} times. So concurrent
 * releases from several processes never pass the bound (CPython compares {@code sem_getvalue} with the bound,
 * which two racing releases can both pass). Segment layout: {@code int out} at offset 0. A process killed while
 * it holds permits keeps them.
 */
public final class ProcessSemaphore implements Semaphore, Serializable, SyncHandle, Portable {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final long OUT = 0;

    private final transient Posix.Sem sem;
    private final transient int bound; // 0 when unbounded
    private final transient String shm; // null when unbounded
    private final transient ByteBuffer state; // null when unbounded
    private final transient Handles.Resources resources;

    private ProcessSemaphore(Posix.Sem sem, int bound, Segment segment, boolean creator) {
        this.sem = sem;
        this.bound = bound;
        this.shm = segment == null ? null : segment.name();
        this.state = segment == null ? null : Words.view(segment.memory());
        this.resources = Handles.track(this, creator, sem.name(), sem, segment, null);
    }

    /**
     * @param value the initial count
     * @param bounded whether a release may not raise the count above {@code value}
     * @return a new semaphore, its names owned by this JVM
     * @throws IllegalArgumentException if {@code value < 0}
     */
    static ProcessSemaphore create(int value, boolean bounded) {
        if (value < 0) {
            throw new IllegalArgumentException("semaphore initial value must be >= 0, not " + value);
        }
        String name = Handles.freshSemName();
        Posix.Sem sem = Handles.createSem(name, value);
        Segment segment = bounded ? Handles.createSegmentFor(sem, 8) : null;
        ProcessSemaphore s = new ProcessSemaphore(sem, bounded ? value : 0, segment, true);
        Handles.remember(name, s);
        return s;
    }

    private static ProcessSemaphore attach(String sem, int bound, String shm) {
        return Handles.canonical(sem, ProcessSemaphore.class, () -> Handles.attachSem(sem,
                s -> new ProcessSemaphore(s, bound, shm == null ? null : Segment.attach(shm), false)));
    }

    @Override
    public boolean acquire(Duration timeout) {
        try {
            if (!Waiting.acquire(sem, Timeouts.deadline(Timeouts.toNanos(timeout)))) {
                return false;
            }
            if (state != null) {
                Words.addInt(state, OUT, 1);
            }
            return true;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public void release(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be one or more, not " + n);
        }
        try {
            if (state != null) {
                while (true) {
                    int out = Words.getInt(state, OUT);
                    if (out < n) {
                        throw new IllegalStateException("Semaphore released too many times");
                    }
                    if (Words.casInt(state, OUT, out, out - n)) {
                        break;
                    }
                }
            } else if ((long) Posix.semGetValue(sem) + n > Integer.MAX_VALUE) {
                throw new IllegalStateException("semaphore value would overflow an int");
            }
            for (int i = 0; i < n; i++) {
                Posix.semPost(sem);
            }
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public int value() {
        return Handles.semValue(sem, this);
    }

    @Override
    public List<Handles.Resources> resources() {
        return List.of(resources);
    }

    @Override
    public String toString() {
        return Reprs.semaphore(this, value(), state != null, bound);
    }

    @Serial
    private Object writeReplace() {
        return new Form(sem.name(), bound, shm);
    }

    @Override
    public Class<? extends Portable.Form> formClass() {
        return Form.class;
    }

    @Override
    public Object[] formValues() {
        return new Object[] {sem.name(), bound, shm};
    }

    @Serial
    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("a ProcessSemaphore travels as its names");
    }

    /**
     * The serialized form: the names, and the bound (0 and no segment when unbounded). A class, not a record: a fresh
     * JVM deserializing a record builds method handles for its constructor first.
     */
    private static final class Form implements Portable.Form {
        @Serial
        private static final long serialVersionUID = 1L;

        static {
            Portable.register(Form.class, 3, v -> attach((String) v[0], (Integer) v[1], (String) v[2]));
        }

        private final String sem;
        private final int bound;
        private final String shm;

        Form(String sem, int bound, String shm) {
            this.sem = sem;
            this.bound = bound;
            this.shm = shm;
        }

        @Serial
        private Object readResolve() {
            return attach(sem, bound, shm);
        }
    }
}
