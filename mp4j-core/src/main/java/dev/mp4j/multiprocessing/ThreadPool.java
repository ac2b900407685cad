package dev.mp4j.multiprocessing;

/**
 * Python's {@code multiprocessing.pool.ThreadPool}: the {@link Pool} API on a pool of worker threads
 * ("ThreadPoolWorker-N", daemon threads) instead of worker JVMs. {@code Multiprocessing.dummy().pool()} makes
 * one.
 *
 * <p>Tasks are handed to the threads as they are: they need not be serializable (the serializable
 * functional types are still what the methods take, so code moves between the two by changing one line),
 * and exceptions carry no {@link RemoteTraceback}. {@link #terminate()} interrupts the threads and fails the
 * outstanding results at once; it then waits, as Python does, for the threads to return from their tasks.
 * {@link #processes()} is empty: the workers are not processes.
 *
 * <p>For example:
 * {@snippet :
 * try (Pool pool = new ThreadPool(4)) {                      // threads: tasks need not be serializable
 *     List<Integer> lengths = pool.map(String::length, List.of("a", "bb", "ccc"));   // [1, 2, 3]
 * }
 * }
 *
 * @since 0.1
 */
public class ThreadPool extends Pool {
    /** A pool of {@link Multiprocessing#cpuCount()} threads. */
    public ThreadPool() {
        this(Multiprocessing.cpuCount());
    }

    /**
     * @param threads the number of worker threads
     * @throws IllegalArgumentException if {@code threads < 1}
     */
    public ThreadPool(int threads) {
        this(threads, null, 0);
    }

    /**
     * @param threads the number of worker threads
     * @param initializer run once on every worker thread before its first task; null for none. If it
     *     throws, the pool is broken ({@code BrokenThreadPool}).
     * @throws IllegalArgumentException if {@code threads < 1}
     */
    public ThreadPool(int threads, Runnable initializer) {
        this(threads, initializer, 0);
    }

    ThreadPool(int threads, Runnable initializer, int maxTasksPerChild) {
        super(threads, initializer, maxTasksPerChild);
    }

    ThreadPool(int threads, Runnable initializer, int maxTasksPerChild, long timeLimitNanos, long softTimeLimitNanos) {
        super(threads, initializer, maxTasksPerChild, timeLimitNanos, softTimeLimitNanos);
    }
}
