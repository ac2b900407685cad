package dev.mp4j.multiprocessing;

import dev.mp4j.threading.RLock;

import java.io.Serializable;
import java.lang.foreign.MemorySegment;

/**
 * An array of bytes in shared memory (Python's {@code Array('b', ...)}, {@code Array('c', ...)} and
 * {@code RawArray}); passed to a child, it re-attaches to the same memory. Element accesses are plain
 * single-byte accesses, as for the other shared arrays: ordering between processes is the job of
 * {@link #lock()}, a queue or a join.
 *
 * @since 0.1
 */
public interface SharedByteArray extends Serializable {
    /** @return the number of bytes */
    int length();

    /**
     * @param i the index
     * @return the byte
     * @throws IndexOutOfBoundsException if {@code i} is not in {@code [0, length())}
     */
    byte get(int i);

    /**
     * @param i the index
     * @param v the new byte
     * @throws IndexOutOfBoundsException if {@code i} is not in {@code [0, length())}
     */
    void set(int i, byte v);

    /** @return a copy of the bytes (Python's {@code arr[:]}) */
    byte[] toArray();

    /**
     * Writes {@code src} at {@code offset} of this array (Python's {@code arr[offset:offset+len(src)] = src});
     * nothing is written when it does not fit.
     *
     * @param src the bytes to write
     * @param offset where the first of them goes
     * @throws IndexOutOfBoundsException if {@code offset} is negative or {@code offset + src.length > length()}
     */
    void copyFrom(byte[] src, int offset);

    /** @return a zero-copy view of the bytes */
    MemorySegment segment();

    /** @return the lock that guards compound updates */
    RLock lock();
}
