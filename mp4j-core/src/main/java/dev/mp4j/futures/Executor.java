package dev.mp4j.futures;

import dev.mp4j.function.SerializableBiFunction;
import dev.mp4j.function.SerializableCallable;
import dev.mp4j.function.SerializableFunction;
import dev.mp4j.function.SerializableRunnable;

import java.time.Duration;
import java.util.AbstractMap;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Python's abstract {@code concurrent.futures.Executor}: {@code submit}, {@code map}, {@code shutdown}.
 * Also a {@link ExecutorService}, whose methods keep the JDK's contracts; and {@link AutoCloseable}:
 * leaving a try-with-resources block is Python's {@code with}: {@code shutdown(wait=True)}.
 *
 * <p>Tasks are the serializable functional interfaces of {@code dev.mp4j.function}, so that code moves
 * between a thread pool and a process pool by changing one line. A task's unchecked exception reaches the
 * caller of {@link Future#result()} unchanged; a checked one arrives wrapped in
 * {@link java.util.concurrent.CompletionException}.
 *
 * <p>Submitting a task happens-before it runs; its completion happens-before {@code result()} returns.
 *
 * <p>For example:
 * {@snippet :
 * try (Executor executor = threads ? new ThreadPoolExecutor() : new ProcessPoolExecutor()) {
 *     Future<String> f = executor.submit(() -> "done");        // the same code on threads or processes
 *     System.out.println(f.result(Duration.ofSeconds(5)));
 * }
 * }
 *
 * @since 0.1
 */
public interface Executor extends ExecutorService, AutoCloseable {

    /**
     * Schedules {@code fn} to run and returns a future for its result (Python's {@code submit}).
     *
     * @param fn the task
     * @param <V> the result type
     * @return the task's future
     * @throws java.util.concurrent.RejectedExecutionException after shutdown
     * @throws BrokenExecutor if the executor is broken
     */
    <V> Future<V> submit(SerializableCallable<V> fn);

    /**
     * Schedules {@code fn} to run; its future's result is null.
     *
     * @param fn the task
     * @return the task's future
     */
    default Future<?> submit(SerializableRunnable fn) {
        Objects.requireNonNull(fn, "fn");
        return submit(Tasks.withResult(fn, null));
    }

    /** {@inheritDoc} An executor that sends tasks to other JVMs requires the callable to be serializable. */
    @Override
    <T> Future<T> submit(Callable<T> task);

    /** {@inheritDoc} An executor that sends tasks to other JVMs requires the runnable to be serializable. */
    @Override
    default Future<?> submit(Runnable task) {
        Objects.requireNonNull(task, "task");
        return submit(Tasks.withResult(task, null));
    }

    @Override
    default <T> Future<T> submit(Runnable task, T result) {
        Objects.requireNonNull(task, "task");
        return submit(Tasks.withResult(task, result));
    }

    /**
     * Python's {@code map(fn, items)}: {@code fn} applied to every item, results in order.
     *
     * @param fn the function
     * @param items the arguments, collected at once
     * @param <T> the argument type
     * @param <R> the result type
     * @return the results in the order of the items
     */
    default <T, R> ResultIterator<R> map(SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items) {
        return map(fn, items, null, 1);
    }

    /**
     * Python's {@code map(fn, items, timeout=, chunksize=)}. The items are collected and every call is
     * submitted before this returns. The iterator raises a call's exception at the item where it
     * happened, and a {@link TimeoutError} when a result is not ready {@code timeout} after this call; either
     * ends the iteration and cancels the calls not yet started.
     *
     * @param fn the function
     * @param items the arguments, collected at once
     * @param timeout counted from this call; null for none
     * @param chunksize how many items one task carries (executors in other JVMs batch by it; a thread pool
     *     ignores it); at least 1
     * @param <T> the argument type
     * @param <R> the result type
     * @return the results in the order of the items
     * @throws IllegalArgumentException if {@code chunksize < 1}
     */
    <T, R> ResultIterator<R> map(SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items,
                                 Duration timeout, int chunksize);

    /**
     * Python's {@code map(fn, a, b)}: {@code fn} applied to pairs taken from both iterables; the shorter one
     * decides the length.
     *
     * @param fn the function
     * @param a the first arguments
     * @param b the second arguments
     * @param <T> the first argument type
     * @param <U> the second argument type
     * @param <R> the result type
     * @return the results in order
     */
    default <T, U, R> ResultIterator<R> map(SerializableBiFunction<? super T, ? super U, ? extends R> fn,
                                            Iterable<? extends T> a, Iterable<? extends U> b) {
        return map(fn, a, b, null, 1);
    }

    /**
     * Python's {@code map(fn, a, b, timeout=, chunksize=)}: {@code fn} applied to pairs taken from both
     * iterables, the shorter one deciding the length, with the contract of
     * {@link #map(SerializableFunction, Iterable, Duration, int)}: both iterables are collected and every
     * call submitted before this returns, {@code timeout} counts from this call, and an executor in other
     * JVMs sends {@code chunksize} pairs per task.
     *
     * @param fn the function
     * @param a the first arguments
     * @param b the second arguments
     * @param timeout counted from this call; null for none
     * @param chunksize how many pairs one task carries; at least 1
     * @param <T> the first argument type
     * @param <U> the second argument type
     * @param <R> the result type
     * @return the results in order
     * @throws IllegalArgumentException if {@code chunksize < 1}
     */
    default <T, U, R> ResultIterator<R> map(SerializableBiFunction<? super T, ? super U, ? extends R> fn,
                                            Iterable<? extends T> a, Iterable<? extends U> b,
                                            Duration timeout, int chunksize) {
        Objects.requireNonNull(fn, "fn");
        SerializableFunction<Map.Entry<T, U>, R> spread = e -> fn.apply(e.getKey(), e.getValue());
        return map(spread, zip(a, b), timeout, chunksize);
    }

    /** Python's {@code zip(a, b)}: pairs taken lazily, as long as both iterators have items. */
    private static <T, U> Iterable<Map.Entry<T, U>> zip(Iterable<? extends T> a, Iterable<? extends U> b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        return () -> new Iterator<>() {
            private final Iterator<? extends T> ia = a.iterator();
            private final Iterator<? extends U> ib = b.iterator();

            @Override
            public boolean hasNext() {
                return ia.hasNext() && ib.hasNext();
            }

            @Override
            public Map.Entry<T, U> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return new AbstractMap.SimpleImmutableEntry<>(ia.next(), ib.next());
            }
        };
    }

    /**
     * Python's {@code shutdown(wait)}: no new tasks; with {@code wait}, returns when the pending tasks are
     * done and the workers are gone. Whatever {@code wait} is, the JVM does not exit while tasks are pending.
     *
     * @param wait whether to wait
     */
    default void shutdown(boolean wait) {
        shutdown(wait, false);
    }

    /**
     * Python's {@code shutdown(wait, cancel_futures=)}: as {@link #shutdown(boolean)}, and with
     * {@code cancelFutures} the tasks not yet started are cancelled; running ones complete.
     *
     * @param wait whether to wait
     * @param cancelFutures whether to cancel the tasks not yet started
     */
    void shutdown(boolean wait, boolean cancelFutures);

    /** The JDK's shutdown: stop accepting tasks, do not wait (Python's default {@code wait=True} is {@link #close()}). */
    @Override
    default void shutdown() {
        shutdown(false, false);
    }

    /** {@code shutdown(true)}: what leaving a try-with-resources block does. */
    @Override
    default void close() {
        shutdown(true, false);
    }

    @Override
    default void execute(Runnable command) {
        Objects.requireNonNull(command, "command");
        submit(command).addDoneCallback(Tasks::logFailure);
    }

    @Override
    default <T> List<java.util.concurrent.Future<T>> invokeAll(Collection<? extends Callable<T>> tasks)
            throws InterruptedException {
        return Tasks.invokeAll(this, tasks, -1);
    }

    @Override
    default <T> List<java.util.concurrent.Future<T>> invokeAll(Collection<? extends Callable<T>> tasks,
                                                               long timeout, TimeUnit unit)
            throws InterruptedException {
        return Tasks.invokeAll(this, tasks, Math.max(0, unit.toNanos(timeout)));
    }

    @Override
    default <T> T invokeAny(Collection<? extends Callable<T>> tasks)
            throws InterruptedException, ExecutionException {
        try {
            return Tasks.invokeAny(this, tasks, -1);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no timeout was given", e);
        }
    }

    @Override
    default <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        return Tasks.invokeAny(this, tasks, Math.max(0, unit.toNanos(timeout)));
    }
}
