package dev.mp4j.multiprocessing;

/**
 * Python's {@code multiprocessing.JoinableQueue}: a {@link Queue} that counts unfinished items.
 *
 * <p>For example:
 * {@snippet :
 * JoinableQueue<Integer> jobs = Multiprocessing.joinableQueue();
 * var worker = new Process(() -> {
 *     while (true) {
 *         int job = jobs.get();
 *         handle(job);
 *         jobs.taskDone();
 *     }
 * });
 * worker.setDaemon(true);
 * worker.start();
 * for (int i = 0; i < 10; i++) {
 *     jobs.put(i);
 * }
 * jobs.join();                                                 // every job handled
 * }
 *
 * @param <E> the item type
 * @since 0.1
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
