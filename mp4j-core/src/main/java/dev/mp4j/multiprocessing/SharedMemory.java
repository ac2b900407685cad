package dev.mp4j.multiprocessing;

import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;

/**
 * Python's {@code multiprocessing.shared_memory.SharedMemory}: a named block of memory that processes
 * share. Being built.
 */
public class SharedMemory implements AutoCloseable, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    SharedMemory() {}

    /**
     * @param name the name, or null for a fresh unique one
     * @param size the size in bytes, at least 1
     * @return the new segment
     */
    public static SharedMemory create(String name, long size) {
        throw new UnsupportedOperationException("shared memory is being built");
    }

    /**
     * @param name the name of an existing segment
     * @return the segment
     */
    public static SharedMemory attach(String name) {
        throw new UnsupportedOperationException("shared memory is being built");
    }

    /** @return the name */
    public String name() {
        throw new UnsupportedOperationException("shared memory is being built");
    }

    /** @return the size in bytes */
    public long size() {
        throw new UnsupportedOperationException("shared memory is being built");
    }

    /** @return this process's mapping */
    public MemorySegment segment() {
        throw new UnsupportedOperationException("shared memory is being built");
    }

    /** Unmaps this process's view. */
    @Override
    public void close() {
        throw new UnsupportedOperationException("shared memory is being built");
    }

    /** Removes the segment's name. */
    public void unlink() {
        throw new UnsupportedOperationException("shared memory is being built");
    }
}
