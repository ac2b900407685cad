package dev.mp4j.multiprocessing;

import dev.mp4j.threading.RLock;

import java.io.Serializable;

/**
 * A double in shared memory (Python's {@code Value('d', ...)}): {@code get}/{@code set} are atomic single accesses;
 * {@link #lock()} is for compound updates. Passed to a child, it re-attaches to the same memory.
 *
 * @since 0.1
 */
public interface SharedDouble extends Serializable {
    /** @return the value */
    double get();

    /** @param v the new value */
    void set(double v);

    /**
     * Compares bit patterns, like {@link Double#equals}.
     *
     * @param expect the expected value
     * @param update the new value
     * @return whether the value was {@code expect} and is now {@code update}
     */
    boolean compareAndSet(double expect, double update);

    /** @return the lock that guards compound updates (Python's {@code get_lock()}) */
    RLock lock();
}
