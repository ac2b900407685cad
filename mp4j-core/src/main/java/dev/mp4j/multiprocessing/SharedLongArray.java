package dev.mp4j.multiprocessing;

import dev.mp4j.threading.RLock;

import java.io.Serializable;
import java.lang.foreign.MemorySegment;

/**
 * An array of longs in shared memory (Python's {@code Array}); passed to a child, it re-attaches.
 *
 * @since 0.1
 */
public interface SharedLongArray extends Serializable {
    /** @return the number of elements */
    int length();

    /**
     * @param i the index
     * @return the element
     */
    long get(int i);

    /**
     * @param i the index
     * @param v the new element
     */
    void set(int i, long v);

    /** @return a zero-copy view of the elements (native byte order) */
    MemorySegment segment();

    /** @return the lock that guards compound updates */
    RLock lock();
}
