package dev.mp4j.internal.shared;

import dev.mp4j.internal.shm.Segment;
import dev.mp4j.threading.RLock;
import dev.mp4j.threading.Threading;

import java.io.InvalidObjectException;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.nio.file.FileAlreadyExistsException;
import java.util.function.Supplier;

/**
 * What every shared value and array is: a segment of its own, mapped into this JVM, and a cross-process
 * lock made on demand.
 *
 * <p>Memory layout: the segment holds nothing but the elements, from offset 0 (page-aligned), in native
 * byte order; a value is one element, an array {@code length} elements. Segments are at least 8 bytes,
 * so an empty array still has one. There is no header: the kind and length travel in the
 * serialized form. The mapping is in an automatic arena, so it lives as long as this handle or a
 * {@link MemorySegment} view of it is reachable — after the name is unlinked, too.
 *
 * <p>Serialized form ({@link Form}): kind, name, length and the lock. The receiver maps the same segment
 * and shares the lock. The lock must exist before the first copy leaves, or each copy would make its
 * own: so serializing a handle makes the lock if no one has yet.
 *
 * <p>Ownership: the handle that created the segment unlinks its name when it becomes unreachable or when
 * its JVM exits ({@link Owned}); received copies never unlink. A copy deserialized after its creator let
 * go of the name cannot attach (an {@link UncheckedIOException} naming the segment).
 *
 * <p>Plain memory ({@link #local}): the dummy context's values and arrays are the same classes over memory
 * of this JVM only (an automatic arena), with no name, a thread {@link RLock} from the start, and no
 * serialized form.
 *
 * <p>State: {@code lock} goes once from null to the lock, under {@code lockInit}; everything else is
 * final after construction (the unlinker is set once, before the handle is published).
 *
 * <p>A process that dies: mp4j itself never takes {@link #lock()} (element reads, writes and updates are
 * single atomic operations), so a death cannot leave the handle's state half-changed. The lock is the user's
 * and keeps Python's rule: held by a process that dies, it stays held ({@code ProcessRLock}).
 */
abstract class Handle implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    /** What a handle is, its element size and how a receiver rebuilds it. */
    enum Kind {
        INT(4), LONG(8), DOUBLE(8), INT_ARRAY(4), LONG_ARRAY(8), DOUBLE_ARRAY(8), BYTE_ARRAY(1);

        final int elementSize;

        Kind(int elementSize) {
            this.elementSize = elementSize;
        }

        /** @throws IllegalArgumentException if {@code count} is negative */
        long bytes(int count) {
            if (count < 0) {
                throw new IllegalArgumentException("length must not be negative, got " + count);
            }
            return (long) count * elementSize;
        }

        Handle make(String name, MemorySegment elements, int length, Supplier<RLock> lockFactory, RLock lock) {
            return switch (this) {
                case INT -> new IntValue(name, elements, lockFactory, lock);
                case LONG -> new LongValue(name, elements, lockFactory, lock);
                case DOUBLE -> new DoubleValue(name, elements, lockFactory, lock);
                case INT_ARRAY -> new IntArray(name, elements, length, lockFactory, lock);
                case LONG_ARRAY -> new LongArray(name, elements, length, lockFactory, lock);
                case DOUBLE_ARRAY -> new DoubleArray(name, elements, length, lockFactory, lock);
                case BYTE_ARRAY -> new ByteArray(name, elements, length, lockFactory, lock);
            };
        }
    }

    private final transient Kind kind;
    private final transient String name;                    // null for plain memory of this JVM
    private final transient Supplier<RLock> lockFactory;   // creator only; null in received copies
    private final transient Object lockInit = new Object();
    private transient volatile RLock lock;                  // guarded by lockInit when written
    private transient volatile Cleaner.Cleanable unlinker;  // creator only

    Handle(Kind kind, String name, Supplier<RLock> lockFactory, RLock lock) {
        this.kind = kind;
        this.name = name;
        this.lockFactory = lockFactory;
        this.lock = lock;
    }

    /** @return the number of elements (1 for a value) */
    abstract int count();

    final Kind kind() {
        return kind;
    }

    final String name() {
        return name;
    }

    /**
     * Creates a zero-filled segment for {@code count} elements of {@code kind} and a handle over it that
     * owns its name.
     */
    static Handle create(Kind kind, int count, Supplier<RLock> lockFactory) {
        long bytes = kind.bytes(count);
        Segment seg = createSegment(Math.max(8, bytes));
        Handle h;
        try {
            h = kind.make(seg.name(), seg.memory().asSlice(0, bytes), count, lockFactory, null);
        } catch (RuntimeException | Error e) {
            Segment.unlink(seg.name());
            throw e;
        }
        h.unlinker = Owned.own(h, seg.name());
        return h;
    }

    private static Segment createSegment(long bytes) {
        for (int attempt = 0; ; attempt++) {
            try {
                return Segment.create(null, bytes, Arena.ofAuto());
            } catch (UncheckedIOException e) {
                // A fresh random name that exists already: try another (CPython retries too).
                if (!(e.getCause() instanceof FileAlreadyExistsException) || attempt == 9) {
                    throw e;
                }
            }
        }
    }

    /**
     * Allocates zero-filled plain memory of this JVM for {@code count} elements of {@code kind} (what the dummy
     * context's threads share) and a handle over it whose lock is a thread {@link RLock}. It has no name and
     * cannot be serialized; the garbage collector frees the memory.
     */
    static Handle local(Kind kind, int count) {
        long bytes = kind.bytes(count);
        MemorySegment memory = Arena.ofAuto().allocate(Math.max(8, bytes), 8);
        return kind.make(null, memory.asSlice(0, bytes), count, null, Threading.rlock());
    }

    /** Unlinks the name now if this handle created it (the memory stays mapped). */
    final void release() {
        Cleaner.Cleanable u = unlinker;
        if (u != null) {
            u.clean();
        }
    }

    /**
     * @return the shared lock, made on first use by the creator
     * @throws UnsupportedOperationException if this copy was sent before cross-process locks existed
     */
    public final RLock lock() {
        RLock l = lock;
        return l != null ? l : makeLock();
    }

    private RLock makeLock() {
        synchronized (lockInit) {
            if (lock == null) {
                if (lockFactory == null) {
                    throw new UnsupportedOperationException("shared memory '" + name
                            + "' was sent without a lock: cross-process locks were not available");
                }
                lock = lockFactory.get();
            }
            return lock;
        }
    }

    @Serial
    final Object writeReplace() throws ObjectStreamException {
        if (name == null) {
            throw new NotSerializableException(getClass().getSimpleName() + " of the dummy context: it is plain memory"
                    + " of this JVM, shared by its threads only (use a process context's shared values to share with"
                    + " other processes)");
        }
        RLock l;
        try {
            l = lock();
        } catch (UnsupportedOperationException noLocks) {
            l = null;
        }
        if (l != null && !(l instanceof Serializable)) {
            throw new NotSerializableException(l.getClass().getName() + " (the lock of shared memory '" + name + "')");
        }
        return new Form(kind(), name, count(), (Serializable) l);
    }

    @Serial
    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("a shared value travels as its Form");
    }

    /**
     * The serialized form: the receiver maps the same segment and shares the lock. A class, not a record: a fresh JVM
     * deserializing a record builds method handles for its constructor first.
     */
    static final class Form implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
        private final Kind kind;
        private final String name;
        private final int length;
        private final Serializable lock;

        Form(Kind kind, String name, int length, Serializable lock) {
            this.kind = kind;
            this.name = name;
            this.length = length;
            this.lock = lock;
        }

        @Serial
        private Object readResolve() throws ObjectStreamException {
            if (kind == null || name == null || length < 0) {
                throw new InvalidObjectException("bad shared value form: " + kind + " '" + name + "' of " + length);
            }
            if (lock != null && !(lock instanceof RLock)) {
                throw new InvalidObjectException("the lock of shared memory '" + name + "' is a "
                        + lock.getClass().getName() + ", not an RLock");
            }
            long bytes = (long) length * kind.elementSize;
            Segment seg = Segment.attach(name, Arena.ofAuto());
            if (seg.size() < bytes) {
                throw new InvalidObjectException("shared memory '" + name + "' holds " + seg.size()
                        + " bytes, too few for " + length + " " + kind);
            }
            return kind.make(name, seg.memory().asSlice(0, bytes), length, null, (RLock) lock);
        }
    }
}
