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
     * @param item the item
     * @param timeout how long to wait for room; null for no limit; negative counts as zero
     * @throws Full if there was no room in time
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
