package dev.mp4j.multiprocessing;

/**
 * Python's {@code multiprocessing.JoinableQueue}: a {@link Queue} that counts unfinished items.
 *
 * @param <E> the item type
 */
public interface JoinableQueue<E> extends Queue<E> {
    /**
     * An item taken with {@code get} is processed.
     *
     * @throws IllegalStateException if called more often than items were put
     */
    void taskDone();

    /** Blocks until every item put has been taken and marked done. */
    void join();
}
