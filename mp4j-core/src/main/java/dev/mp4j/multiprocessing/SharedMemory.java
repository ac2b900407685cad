package dev.mp4j.multiprocessing;

import dev.mp4j.internal.shm.Segment;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;

/**
 * Python's {@code multiprocessing.shared_memory.SharedMemory}: a named block of memory that processes
 * share. One process {@linkplain #create creates} it; others {@linkplain #attach attach} to it by name,
 * or receive a serialized handle, which carries only the name and attaches on arrival. Every handle maps
 * the block into its own process: {@link #segment()} is that mapping, whose writes every other mapping
 * sees (ordering between processes is the job of a lock, a queue or a join).
 *
 * <p>Two ends, as in Python: {@link #close()} unmaps this handle's view (every handle should be closed;
 * a view left open lives until its JVM exits); {@link #unlink()} removes the name, once, from any
 * process — memory already mapped stays valid until closed. Nothing unlinks a block while its program
 * runs: call {@code unlink()} when no process needs to attach any more. Blocks left behind are removed
 * when the whole program (all its JVMs) has ended, even if it was killed.
 *
 * <p>Names are those of {@code /dev/shm}, as CPython's {@code multiprocessing.shared_memory} uses them:
 * {@code attach} and {@code create} take a name with or without the leading {@code /} of POSIX
 * ({@code "psm_1a2b3c4d"} or {@code "/psm_1a2b3c4d"}), and {@link #name()} returns it without, as CPython's
 * {@code SharedMemory.name} does. So {@code SharedMemory.attach(name)} maps a block made by CPython, and
 * CPython's {@code SharedMemory(name)} maps one made here. CPython 3.11 and 3.12 register a block with
 * their resource tracker even when they only attach to it, and unlink it when that Python process ends:
 * a Python program that attaches to a block mp4j made should call
 * {@code resource_tracker.unregister(shm._name, "shared_memory")} after attaching (3.13 and later:
 * {@code SharedMemory(name, track=False)}).
 *
 * <p>States of a handle: open {@code --close()-->} closed (idempotent). {@code name()} and {@code size()}
 * work in both; {@link #segment()} throws {@link IllegalStateException} when closed, and views taken
 * before throw it on access. {@code unlink()} does not depend on the state.
 *
 * <p>For example:
 * {@snippet :
 * SharedMemory shm = Multiprocessing.sharedMemory(1024);
 * shm.segment().set(ValueLayout.JAVA_INT, 0, 42);
 * String name = shm.name();
 * var p = new Process(() -> {
 *     SharedMemory other = SharedMemory.attach(name);          // the same bytes
 *     other.segment().set(ValueLayout.JAVA_INT, 0, other.segment().get(ValueLayout.JAVA_INT, 0) + 1);
 *     other.close();
 * });
 * p.start();
 * p.join();
 * System.out.println(shm.segment().get(ValueLayout.JAVA_INT, 0)); // 43
 * shm.close();
 * shm.unlink();
 * }
 *
 * @since 0.1
 */
public final class SharedMemory implements AutoCloseable, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient Segment segment;
    private transient volatile boolean closed;

    private SharedMemory(Segment segment) {
        this.segment = segment;
    }

    /**
     * Creates a new zero-filled block.
     *
     * @param name the name (1 to 200 letters, digits, {@code . _ -}, not starting with {@code .}, after an
     *             optional leading {@code /}), or null for a fresh unique one ({@code mp4j-} and 16 hex digits)
     * @param size the size in bytes, at least 1
     * @return a handle to the new block, open
     * @throws IllegalArgumentException if {@code size} is not positive or the name is not allowed
     * @throws UncheckedIOException if a block of that name exists (Python's {@code FileExistsError}: the
     *         cause is a {@link FileAlreadyExistsException}) or the block cannot be made
     */
    public static SharedMemory create(String name, long size) {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be a positive number of bytes, got " + size);
        }
        if (name != null) {
            return new SharedMemory(Segment.create(name, size, Arena.ofShared()));
        }
        for (int attempt = 0; ; attempt++) {
            try {
                return new SharedMemory(Segment.create(null, size, Arena.ofShared()));
            } catch (UncheckedIOException e) {
                // a fresh random name that exists already: try another
                if (!(e.getCause() instanceof FileAlreadyExistsException) || attempt == 9) {
                    throw e;
                }
            }
        }
    }

    /**
     * Attaches to an existing block.
     *
     * @param name the name of the block, with or without a leading {@code /} (CPython's {@code psm_...}
     *             names included)
     * @return a handle to it, open, as large as the block
     * @throws IllegalArgumentException if the name is not allowed
     * @throws UncheckedIOException if there is no such block (Python's {@code FileNotFoundError}: the cause
     *         is a {@link NoSuchFileException}) or it cannot be mapped
     */
    public static SharedMemory attach(String name) {
        if (name == null) {
            throw new NullPointerException("name");
        }
        return new SharedMemory(Segment.attach(name, Arena.ofShared()));
    }

    /** @return the block's name, without a leading {@code /}, as {@link #attach(String)} takes it */
    public String name() {
        return segment.name();
    }

    /** @return the size in bytes */
    public long size() {
        return segment.size();
    }

    /**
     * @return this process's mapping of the block, {@link #size()} bytes
     * @throws IllegalStateException if this handle is closed
     */
    public MemorySegment segment() {
        if (closed) {
            throw new IllegalStateException("shared memory '" + name() + "' is closed");
        }
        return segment.memory();
    }

    /** Unmaps this process's view; views from {@link #segment()} become unusable. Idempotent. */
    @Override
    public void close() {
        closed = true;
        segment.close();
    }

    /**
     * Removes the block's name, so no one can attach any more; the memory is freed once every mapping is
     * closed. Call it once, from any process.
     *
     * @throws UncheckedIOException if the name was removed already (Python's {@code FileNotFoundError}: the
     *         cause is a {@link NoSuchFileException})
     */
    public void unlink() {
        if (!Segment.unlink(name())) {
            throw new UncheckedIOException("cannot unlink shared memory '" + name() + "': it was unlinked already",
                    new NoSuchFileException("/dev/shm/" + name()));
        }
    }

    @Override
    public String toString() {
        return "SharedMemory('" + name() + "', size=" + size() + (closed ? ", closed)" : ")");
    }

    @Serial
    private Object writeReplace() {
        return new Form(name());
    }

    @Serial
    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("SharedMemory travels as its Form");
    }

    /** The serialized form: the name; the receiver attaches. */
    private record Form(String name) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        @Serial
        private Object readResolve() throws ObjectStreamException {
            if (name == null) {
                throw new InvalidObjectException("shared memory without a name");
            }
            return attach(name);
        }
    }
}
