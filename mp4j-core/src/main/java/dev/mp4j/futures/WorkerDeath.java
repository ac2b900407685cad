package dev.mp4j.futures;

/**
 * What a worker JVM that ends abruptly (a crash, a kill, {@code System.exit} in a task) does to a
 * {@link ProcessPoolExecutor}. Time limits and {@code cancel(true)} kill workers too, but never break a
 * pool, whatever this policy.
 *
 * @since 0.1
 */
public enum WorkerDeath {
    /**
     * Python's behaviour (the default): the pool is broken; every pending and running future fails with
     * {@link BrokenProcessPool}, and later submits throw it.
     */
    BREAK,
    /**
     * Only the task the dead worker ran fails, with {@link dev.mp4j.multiprocessing.WorkerLostError}; a new
     * worker replaces it and the pool goes on.
     */
    REPLACE
}
