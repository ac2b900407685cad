package dev.mp4j.threading;

import java.time.Duration;

/**
 * A barrier for a fixed number of parties (Python 3's {@code threading.Barrier}): each thread calls
 * {@link #await()}, and once {@link #parties()} threads have arrived they are all released together. The
 * barrier is then reusable for the next round.
 *
 * <p>If the barrier has an action, the last thread to arrive runs it before any thread is released; the
 * action happens-before every {@code await} of that round returns. If the action throws, the barrier
 * breaks: that thread gets the action's exception, the others {@link BrokenBarrierError}.
 *
 * <p>A barrier breaks when an {@code await} times out, when a waiting thread is interrupted (it throws
 * {@link dev.mp4j.InterruptedError}, the others {@link BrokenBarrierError}), or on {@link #abort()}. A broken
 * barrier throws {@code BrokenBarrierError} to every {@code await} until {@link #reset()}.
 *
 * <p>An implementation provides the timed {@link #await(Duration)}; {@link #await()} is it with the default
 * timeout.
 *
 * @since 0.1
 */
public interface Barrier {
    /**
     * Waits until all parties have arrived, for at most the barrier's default timeout if it has one.
     *
     * @return the arrival index, {@code 0} for the first thread to arrive to {@code parties() - 1} for the last
     * @throws BrokenBarrierError if the barrier is or becomes broken, is reset, or the timeout passes
     * @throws dev.mp4j.InterruptedError if interrupted while waiting (the barrier breaks)
     */
    default int await() {
        return await(null);
    }

    /**
     * As {@link #await()}, waiting at most {@code timeout}; when it passes the barrier breaks.
     *
     * @param timeout the longest wait; {@code null} means the barrier's default timeout (as Python's
     *     {@code None}), a negative duration counts as zero
     * @return the arrival index
     * @throws BrokenBarrierError if the barrier is or becomes broken, is reset, or the timeout passes
     * @throws dev.mp4j.InterruptedError if interrupted while waiting (the barrier breaks)
     */
    int await(Duration timeout);

    /**
     * Returns the barrier to its initial, empty state. Threads waiting on it get {@link BrokenBarrierError};
     * a broken barrier becomes usable again.
     */
    void reset();

    /** Breaks the barrier: waiting threads, and later ones until {@link #reset()}, get {@link BrokenBarrierError}. */
    void abort();

    /** @return how many threads must arrive to pass the barrier */
    int parties();

    /** @return how many threads are waiting in the current round */
    int nWaiting();

    /** @return whether the barrier is broken */
    boolean broken();
}
