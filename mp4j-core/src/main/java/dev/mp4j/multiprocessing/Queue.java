package dev.mp4j.multiprocessing;

import java.io.Serializable;
import java.time.Duration;

/**
 * Python's {@code multiprocessing.Queue}: a process- and thread-safe FIFO queue that may be passed to
 * child processes (it re-attaches there). {@code put} on an unbounded queue never blocks: a per-process
 * feeder thread moves items into the shared buffer.
 *
 * <p>For example:
 * {@snippet :
 * Queue<List<Object>> q = Multiprocessing.queue();
 * var p = new Process(() -> q.put(Arrays.asList(42, null, "hello")));
 * p.start();
 * System.out.println(q.get());                                 // [42, null, hello]
 * p.join();
 * }
 *
 * @param <E> the item type (items must be serializable; null is a valid item)
 * @since 0.1
 */
public interface Queue<E> extends Serializable, AutoCloseable {
    /** @param item put it, blocking while a bounded queue is full ({@code put(item, null)}) */
    default void put(E item) {
        put(item, null);
    }

    /**
     * Puts an item. As in Python, the item may be serialized later, by this process's feeder thread, so
     * an object changed after {@code put} may arrive changed; put a copy, or an immutable object, where
     * that matters. An item that then fails to serialize (a field whose class is not serializable, a
     * {@code writeObject} that throws) is dropped, no longer counted in {@link #qsize()} nor as
     * unfinished, and the error is logged at ERROR on the logger {@code dev.mp4j.multiprocessing.Queue}
     * (Python's feeder prints it); an item whose own class is not serializable is refused at once.
     *
     * @param item the item
     * @param timeout how long to wait for room; null for no limit; negative counts as zero
     * @throws Full if there was no room in time
     * @throws IllegalArgumentException if the item's class is not serializable
     */
    void put(E item, Duration timeout);

    /**
     * @param item the item
     * @throws Full if a bounded queue is full now ({@code put(item, Duration.ZERO)})
     */
    default void putNowait(E item) {
        put(item, Duration.ZERO);
    }

    /** @return the next item, blocking until there is one ({@code get(null)}) */
    default E get() {
        return get(null);
    }

    /**
     * @param timeout how long to wait; null for no limit; negative counts as zero
     * @return the next item
     * @throws Empty if none arrived in time
     */
    E get(Duration timeout);

    /**
     * @return the next item
     * @throws Empty if there is none now ({@code get(Duration.ZERO)})
     */
    default E getNowait() {
        return get(Duration.ZERO);
    }

    /** @return the approximate number of items */
    int qsize();

    /** @return whether the queue is (approximately) empty */
    boolean empty();

    /** @return whether a bounded queue is (approximately) full */
    boolean full();

    /** No more items from this process; the feeder thread flushes what is buffered and ends. */
    @Override
    void close();

    /** After {@link #close()}: waits until the feeder thread has flushed everything. */
    void joinThread();

    /** Do not wait for the feeder thread at exit (buffered items may be lost). */
    void cancelJoinThread();
}
