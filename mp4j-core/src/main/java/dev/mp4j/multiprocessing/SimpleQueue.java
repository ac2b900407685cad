package dev.mp4j.multiprocessing;

import java.io.Serializable;

/**
 * Python's {@code multiprocessing.SimpleQueue}: a simplified queue without a feeder thread.
 *
 * @param <E> the item type
 */
public interface SimpleQueue<E> extends Serializable, AutoCloseable {
    /** @param item put it (blocks while the shared buffer is full) */
    void put(E item);

    /** @return the next item, blocking until there is one */
    E get();

    /** @return whether the queue is empty */
    boolean empty();

    /** Releases this process's resources for the queue. */
    @Override
    void close();
}
