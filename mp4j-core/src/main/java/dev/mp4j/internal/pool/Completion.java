package dev.mp4j.internal.pool;

import java.util.concurrent.CancellationException;

/**
 * The front end's side of one task: what the {@link PoolEngine} tells it. ProcessPoolExecutor's futures and
 * Pool's results implement it.
 */
public interface Completion {
    /**
     * The task is about to go to a worker for the first time. Called once, with the engine's lock held: it
     * must be quick and must not call the engine.
     *
     * @param task the engine's handle on the task (to stop it later)
     * @return false to drop the task (it was cancelled); the engine then forgets it without {@link #finish}
     */
    boolean start(PoolEngine.Task task);

    /**
     * The task's outcome. Called at most once (a dropped or cancelled task gets none), never with the
     * engine's lock held, on a thread of the engine (or the submitting thread when the task cannot be sent).
     *
     * @param value what the task returned
     * @param error what it raised, or null
     */
    void finish(Object value, Throwable error);

    /**
     * Whether the task was cancelled before it started: such a task still waiting in the engine is counted
     * as cancelled, not queued, and {@link #start} will drop it. A pure query, called with the engine's lock
     * held.
     *
     * @return true if {@link #start} would return false
     */
    default boolean isCancelled() {
        return false;
    }

    /**
     * Where a chunk's values may go straight to: the array whose {@link #valuesAt} index takes the chunk's
     * first value (the chunk's calls fill it from there). A worker JVM's values are read into it; a worker
     * thread writes them there as it computes them, so a chunk that fails may leave some there. The
     * {@code ChunkResult} handed to {@link #finish} is then a {@link Chunks.Slice} of this array. A pure query.
     *
     * @return the array, or null to have the values in an array of their own
     */
    default Object[] valuesInto() {
        return null;
    }

    /** @return where in {@link #valuesInto} the chunk's first value goes */
    default int valuesAt() {
        return 0;
    }

    /**
     * A shutdown that cancels pending work took the task before it went to a worker.
     *
     * @param started whether {@link #start} had been called (the task went to a worker that was then killed)
     */
    default void drop(boolean started) {
        finish(null, new CancellationException("the pool was shut down before the task ran"));
    }
}
