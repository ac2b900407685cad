package dev.mp4j.internal.pool;

import java.io.IOException;

/**
 * What the workers of a {@link PoolEngine} are: worker JVMs ({@link JvmBackend}) or threads of this JVM
 * ({@link ThreadBackend}).
 */
public interface Backend {
    /**
     * Turns a task into what {@link Link#send} sends. Runs in the submitting thread, outside the engine's lock.
     *
     * @param task the task (a Callable or a chunk of {@link Chunks})
     * @return the prepared form
     * @throws Exception if the task cannot be sent to a worker
     */
    Object prepare(Object task) throws Exception;

    /**
     * @param prepared what {@link #prepare} returned
     * @return its size in bytes as it travels to a worker (0 when it does not travel): a worker gets tasks
     *     ahead of the one it runs only while their total stays small
     */
    default long weight(Object prepared) {
        return 0;
    }

    /**
     * @return whether a worker's routine end (shutdown, maxTasksPerChild, a kill the pool asked for) is logged
     *     at DEBUG: a worker JVM's pid and exit code tell something; a worker thread's (pid -1, exit code 0)
     *     do not, and asking the logger whether DEBUG is on starts the logging framework (7-20 ms of a fresh
     *     JVM) in a program that logged nothing yet, on the way to the pool's close. Other ends are logged
     *     either way.
     */
    default boolean logsRoutineEnds() {
        return true;
    }

    /**
     * @return whether its links take back a task sent to a worker that has not started it ({@link Link#recall}):
     *     the engine then gives an idle worker the tasks queued in a busy one
     */
    default boolean recalls() {
        return false;
    }

    /**
     * @return whether {@link #prepare} copies what a task holds (it serializes it): the objects a task was made
     *     of are then no longer read once it is prepared
     */
    default boolean preparesCopies() {
        return false;
    }

    /**
     * The task's result arrived: {@code prepared} is never sent again, and what it holds may be reused.
     * Called at most once per task, with no lock held; not at all for a task that ends another way.
     *
     * @param prepared what {@link #prepare} returned
     */
    default void done(Object prepared) {
    }

    /**
     * @param prepared what {@link #prepare} returned
     * @return the task again, to run in this JVM
     * @throws Exception if it cannot be restored
     */
    Object restore(Object prepared) throws Exception;

    /**
     * @param error what {@link #prepare} threw
     * @return the exception the task's result fails with
     */
    RuntimeException unsendable(Throwable error);

    /**
     * @param message why the pool broke
     * @param cause the cause, or null
     * @return the exception that breaks the pool (Python's BrokenProcessPool, BrokenThreadPool)
     */
    RuntimeException broken(String message, Throwable cause);

    /**
     * @param kind what the workers are called ("SpawnPoolWorker", "ThreadPoolWorker" ...)
     * @return a new worker's name
     */
    String newName(String kind);

    /** @return the message of a pool broken by a failing initializer */
    String initializerFailedMessage();

    /**
     * Starts a worker: boots it in the background and reports to {@code worker} ({@link PoolEngine.Worker#ready},
     * {@link PoolEngine.Worker#result}, {@link PoolEngine.Worker#initFailed}, {@link PoolEngine.Worker#gone}).
     * Called with the engine's lock held: it must not block.
     *
     * @param worker the engine's record of the worker
     * @return the link to the worker
     */
    Link start(PoolEngine.Worker worker);

    /** The engine's link to one worker. */
    interface Link {
        /**
         * @param id the task's id
         * @param prepared the task as {@link #prepare} made it
         * @throws IOException if the worker is gone (its death is reported separately)
         */
        void send(long id, Object prepared) throws IOException;

        /**
         * As {@link #send(long, Object)}, with where a chunk's values may go ({@link Completion#valuesInto},
         * {@link Completion#valuesAt}): a worker that shares this JVM's memory writes them there rather than
         * into an array of its own. By default the same as {@code send(id, prepared)}.
         *
         * @param id the task's id
         * @param prepared the task as {@link #prepare} made it
         * @param into where the chunk's values may go, or null
         * @param at where its first value goes in {@code into}
         * @throws IOException if the worker is gone (its death is reported separately)
         */
        default void send(long id, Object prepared, Object[] into, int at) throws IOException {
            send(id, prepared);
        }

        /**
         * Takes back a task sent to this worker, which has not started it: it will not run it. Called with the
         * engine's lock held, only for a task queued behind the one the worker runs (whose result the engine has
         * not handled yet), and only when {@link Backend#recalls} says so.
         *
         * @param id the task's id
         * @return whether the task was taken back; false when the worker holds no such task (or cannot give it back)
         */
        default boolean recall(long id) {
            return false;
        }

        /**
         * Asks the worker to exit once idle.
         *
         * @throws IOException if the worker is gone
         */
        void quit() throws IOException;

        /** Ends the worker now (a JVM is killed, a thread interrupted); any thread, no lock needed. */
        void kill();

        /** @return the worker's pid, or -1 when it has none (yet) */
        long pid();

        /**
         * @param waitSeconds how long to wait for a booting worker's OS process
         * @return the worker's live OS process, or null (a thread, or a worker that is gone)
         * @throws InterruptedException if interrupted while waiting
         */
        ProcessHandle process(long waitSeconds) throws InterruptedException;
    }
}
