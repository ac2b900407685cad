package dev.mp4j.multiprocessing;

import dev.mp4j.threading.RLock;

import java.io.Serializable;

/**
 * A int in shared memory (Python's {@code Value('i', ...)}): {@code get}/{@code set} are atomic single accesses;
 * {@link #lock()} is for compound updates. Passed to a child, it re-attaches to the same memory.
 *
 * @since 0.1
 */
public interface SharedInt extends Serializable {
    /** @return the value */
    int get();

    /** @param v the new value */
    void set(int v);

    /**
     * @param d what to add
     * @return the value before
     */
    int getAndAdd(int d);

    /**
     * @param expect the expected value
     * @param update the new value
     * @return whether the value was {@code expect} and is now {@code update}
     */
    boolean compareAndSet(int expect, int update);

    /** @return the lock that guards compound updates (Python's {@code get_lock()}) */
    RLock lock();
}
