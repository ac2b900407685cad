package dev.mp4j.multiprocessing;

import java.io.Serializable;

/**
 * Python's {@code multiprocessing.SimpleQueue}: a simplified queue without a feeder thread.
 *
 * <p>For example:
 * {@snippet :
 * SimpleQueue<String> q = Multiprocessing.simpleQueue();
 * var p = new Process(() -> q.put("ready"));
 * p.start();
 * System.out.println(q.get());                                 // ready
 * p.join();
 * }
 *
 * @param <E> the item type
 * @since 0.1
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
