package dev.mp4j.multiprocessing;

import java.time.Duration;

/**
 * Python's {@code multiprocessing.pool.AsyncResult}: the result of {@link Pool#applyAsync} or
 * {@link Pool#mapAsync}.
 *
 * <p>A result becomes ready after its callback (or error callback) has run on the pool's result-handler
 * thread, so everything the callback did happens-before {@link #get()} returns and {@link #ready()} is true.
 *
 * @param <R> the result type
 * @since 0.1
 */
public interface AsyncResult<R> {
    /**
     * Waits for the result.
     *
     * @return the result
     * @throws java.util.concurrent.CompletionException wrapping the task's exception when it is a checked one;
     *     an unchecked one is thrown as it is (with a {@link RemoteTraceback} among its suppressed exceptions
     *     when it was raised in a worker JVM)
     * @throws dev.mp4j.InterruptedError if the waiting thread is interrupted
     */
    R get();

    /**
     * Waits at most {@code timeout} for the result.
     *
     * @param timeout the longest wait; null for none; negative counts as zero
     * @return the result
     * @throws dev.mp4j.futures.TimeoutError if the result is not ready in time
     * @throws java.util.concurrent.CompletionException wrapping a checked exception of the task; an unchecked
     *     one is thrown as it is
     */
    R get(Duration timeout);

    /**
     * Python's {@code wait(timeout)}.
     *
     * @param timeout the longest wait; null for none; negative counts as zero
     * @return whether the result is ready
     */
    boolean await(Duration timeout);

    /** @return whether the call has completed */
    boolean ready();

    /**
     * @return whether the call completed without raising an exception
     * @throws IllegalStateException if the result is not ready
     */
    boolean successful();

    /**
     * A {@link java.util.concurrent.CompletableFuture} that completes when this result becomes ready: with
     * its value, or exceptionally with its exception. Cancelling it cancels the task as
     * {@link dev.mp4j.futures.Future#cancel(boolean) cancel(true)} does: a task not yet started never runs,
     * and a running one is stopped (its worker is killed and replaced); this result then fails with
     * {@link dev.mp4j.futures.CancelledError}. A result of a pool that runs in a manager's server cannot be
     * cancelled from here: cancelling its stage leaves the task alone.
     *
     * @return the same stage on every call
     */
    java.util.concurrent.CompletableFuture<R> toCompletableFuture();
}
