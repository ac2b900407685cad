package dev.mp4j.multiprocessing;

import dev.mp4j.threading.RLock;

import java.io.Serializable;
import java.lang.foreign.MemorySegment;

/**
 * An array of doubles in shared memory (Python's {@code Array}); passed to a child, it re-attaches.
 *
 * @since 0.1
 */
public interface SharedDoubleArray extends Serializable {
    /** @return the number of elements */
    int length();

    /**
     * @param i the index
     * @return the element
     */
    double get(int i);

    /**
     * @param i the index
     * @param v the new element
     */
    void set(int i, double v);

    /** @return a zero-copy view of the elements (native byte order) */
    MemorySegment segment();

    /** @return the lock that guards compound updates */
    RLock lock();
}
