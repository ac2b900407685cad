package dev.mp4j.futures;

/**
 * A snapshot of what an executor or pool is doing ({@link ThreadPoolExecutor#stats()},
 * {@link ProcessPoolExecutor#stats()}, {@link dev.mp4j.multiprocessing.Pool#stats()}).
 *
 * <p>A task is what the caller submitted: one {@code submit} or {@code apply}, or one item of a {@code map},
 * {@code imap} or {@code starmap}, never a chunk. Every task submitted is, at any moment, in exactly one of
 * queued, running, completed, failed and cancelled (a task whose submit threw is in none).
 *
 * <p>The counts are read together, so they are consistent with each other; they may be stale by the time
 * the caller looks at them.
 *
 * @param workers the workers alive now (booting ones included)
 * @param busyWorkers the workers holding a task now
 * @param queuedTasks tasks waiting for a worker
 * @param runningTasks tasks on a worker: the one it runs, and those sent ahead to it behind that one (a
 *     process pool sends short tasks ahead); each item of a chunk counts
 * @param completedTasks tasks that returned a value
 * @param failedTasks tasks that raised, ran past their time limit, could not be sent, or were lost with
 *     their worker (or a broken pool)
 * @param cancelledTasks tasks cancelled (by their future, a closed {@link ResultIterator}, a shutdown that
 *     cancels, or a pool's {@code terminate}); the items of a chunk that were not run because an item before
 *     them raised (a {@code map} with a chunksize stops there) count here too
 * @param workersStarted workers started since the executor was made (replacements included); a thread
 *     pool counts its threads
 * @param workersLost workers that ended without being asked to: a crash, {@code System.exit} in a task, a
 *     kill from outside (a worker mp4j kills for a time limit or a cancel is not lost)
 *
 * @since 0.1
 */
public record ExecutorStats(int workers, int busyWorkers, long queuedTasks, long runningTasks,
                            long completedTasks, long failedTasks, long cancelledTasks, long workersStarted,
                            long workersLost) {}
