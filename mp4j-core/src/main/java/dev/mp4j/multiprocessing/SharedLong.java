package dev.mp4j.multiprocessing;

import dev.mp4j.threading.RLock;

import java.io.Serializable;

/**
 * A long in shared memory (Python's {@code Value('q', ...)}): {@code get}/{@code set} are atomic single accesses;
 * {@link #lock()} is for compound updates. Passed to a child, it re-attaches to the same memory.
 *
 * @since 0.1
 */
public interface SharedLong extends Serializable {
    /** @return the value */
    long get();

    /** @param v the new value */
    void set(long v);

    /**
     * @param d what to add
     * @return the value before
     */
    long getAndAdd(long d);

    /**
     * @param expect the expected value
     * @param update the new value
     * @return whether the value was {@code expect} and is now {@code update}
     */
    boolean compareAndSet(long expect, long update);

    /** @return the lock that guards compound updates (Python's {@code get_lock()}) */
    RLock lock();
}
