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
}
