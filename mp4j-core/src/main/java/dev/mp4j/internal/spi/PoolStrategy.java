package dev.mp4j.internal.spi;

import dev.mp4j.function.SerializableBiFunction;
import dev.mp4j.function.SerializableCallable;
import dev.mp4j.function.SerializableFunction;
import dev.mp4j.futures.ExecutorStats;
import dev.mp4j.futures.ResultIterator;
import dev.mp4j.multiprocessing.AsyncResult;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What a {@link dev.mp4j.multiprocessing.Pool} does: each public method of {@code Pool} checks its arguments,
 * applies its defaults and calls one method here. Two strategies exist: the engine of this JVM (worker JVMs,
 * or threads for a {@code ThreadPool}) and a manager's pool proxy, whose every call runs the server's pool. A
 * new {@code Pool} method is a new method here, which each strategy must then implement.
 *
 * <p>Arguments arrive checked: functions are not null, a {@code chunksize} is at least 1, or 0 for the pool's
 * default (Python's: ceil(n / (4 × workers))), and the items of the eager methods are collected into lists
 * (the argument pairs of {@code starmap} into serializable entries). The contracts are {@code Pool}'s.
 *
 * <p>The blocking forms are the asynchronous ones waited for; a strategy whose asynchronous form costs more
 * (a manager's: a result kept in the server, then a second call to fetch it) overrides them. A strategy's
 * {@code toString} is its pool's.
 */
public interface PoolStrategy {
    /**
     * @param fn the call
     * @param timeout its own hard time limit; null for the pool's
     * @param callback run with the result before it becomes ready; null for none
     * @param errorCallback run with the exception instead; null for none
     * @param <R> the result type
     * @return its result, to come
     */
    <R> AsyncResult<R> applyAsync(SerializableCallable<R> fn, Duration timeout, Consumer<? super R> callback,
                                  Consumer<? super Throwable> errorCallback);

    /**
     * @param fn the call
     * @param <R> the result type
     * @return its result
     */
    default <R> R apply(SerializableCallable<R> fn) {
        return applyAsync(fn, null, null, null).get();
    }

    /**
     * @param fn the function
     * @param items the items
     * @param chunksize items per task; 0 for the pool's default
     * @param callback run with the results before they become ready; null for none
     * @param errorCallback run with the first exception instead; null for none
     * @param <T> the item type
     * @param <R> the result type
     * @return the results in order, to come
     */
    <T, R> AsyncResult<List<R>> mapAsync(SerializableFunction<? super T, ? extends R> fn, List<T> items,
                                         int chunksize, Consumer<? super List<R>> callback,
                                         Consumer<? super Throwable> errorCallback);

    /**
     * @param fn the function
     * @param items the items
     * @param chunksize items per task; 0 for the pool's default
     * @param <T> the item type
     * @param <R> the result type
     * @return the results in order
     */
    default <T, R> List<R> map(SerializableFunction<? super T, ? extends R> fn, List<T> items, int chunksize) {
        return this.<T, R>mapAsync(fn, items, chunksize, null, null).get();
    }

    /**
     * @param fn the function of two arguments
     * @param pairs the argument pairs
     * @param chunksize pairs per task; 0 for the pool's default
     * @param callback run with the results before they become ready; null for none
     * @param errorCallback run with the first exception instead; null for none
     * @param <A> the first argument's type
     * @param <B> the second argument's type
     * @param <R> the result type
     * @return the results in order, to come; by default {@link #mapAsync} of {@code fn} spread over each pair
     */
    default <A, B, R> AsyncResult<List<R>> starmapAsync(SerializableBiFunction<? super A, ? super B, ? extends R> fn,
                                                        List<Map.Entry<A, B>> pairs, int chunksize,
                                                        Consumer<? super List<R>> callback,
                                                        Consumer<? super Throwable> errorCallback) {
        return mapAsync(new Spread<A, B, R>(fn), pairs, chunksize, callback, errorCallback);
    }

    /**
     * A function of two arguments applied to a pair's key and value ({@link #starmapAsync}'s). A class, not a
     * lambda, so that a process pool can tell the function whose code its workers run ({@link #function}): a
     * lambda's would be this interface.
     *
     * @param <A> the first argument's type
     * @param <B> the second argument's type
     * @param <R> the result type
     */
    final class Spread<A, B, R> implements SerializableFunction<Map.Entry<A, B>, R> {
        private static final long serialVersionUID = 1L;

        private final SerializableBiFunction<? super A, ? super B, ? extends R> fn;

        /** @param fn the function of two arguments */
        public Spread(SerializableBiFunction<? super A, ? super B, ? extends R> fn) {
            this.fn = Objects.requireNonNull(fn, "fn");
        }

        @Override
        public R apply(Map.Entry<A, B> pair) throws Exception {
            return fn.apply(pair.getKey(), pair.getValue());
        }

        /** @return the function of two arguments */
        public SerializableBiFunction<? super A, ? super B, ? extends R> function() {
            return fn;
        }
    }

    /**
     * @param fn the function of two arguments
     * @param pairs the argument pairs
     * @param chunksize pairs per task; 0 for the pool's default
     * @param <A> the first argument's type
     * @param <B> the second argument's type
     * @param <R> the result type
     * @return the results in order
     */
    default <A, B, R> List<R> starmap(SerializableBiFunction<? super A, ? super B, ? extends R> fn,
                                      List<Map.Entry<A, B>> pairs, int chunksize) {
        return this.<A, B, R>starmapAsync(fn, pairs, chunksize, null, null).get();
    }

    /**
     * {@code imap} ({@code ordered}) and {@code imapUnordered}.
     *
     * @param fn the function
     * @param items the items, taken as the strategy needs them
     * @param chunksize items per task, at least 1
     * @param ordered results in the items' order; otherwise as they are ready
     * @param <T> the item type
     * @param <R> the result type
     * @return the results
     */
    <T, R> ResultIterator<R> imap(SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items,
                                  int chunksize, boolean ordered);

    /** {@code Pool.close()}: no new tasks; returns when the outstanding ones are done and the workers gone. */
    void close();

    /** {@code Pool.terminate()}: the workers stop now; outstanding results fail. */
    void terminate();

    /** {@code Pool.join()}: waits for the workers to exit, once closed or terminated. */
    void join();

    /** @return the live worker processes this JVM can see */
    List<ProcessHandle> processes();

    /** @return the number of workers */
    int size();

    /**
     * {@code Pool.stats()}.
     *
     * @return what the pool does now
     * @throws UnsupportedOperationException if this strategy keeps no statistics (a manager's pool: its
     *     statistics are the server's)
     */
    default ExecutorStats stats() {
        throw new UnsupportedOperationException("this pool keeps no statistics here: " + this);
    }
}
