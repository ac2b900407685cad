package dev.mp4j.internal.managers;

import dev.mp4j.function.SerializableBiFunction;
import dev.mp4j.function.SerializableCallable;
import dev.mp4j.function.SerializableFunction;
import dev.mp4j.futures.ResultIterator;
import dev.mp4j.multiprocessing.AsyncResult;
import dev.mp4j.multiprocessing.Pool;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The referent of a manager's pool (Python's {@code manager.Pool()}): a {@link Pool} in the server process,
 * with the methods its proxy calls. Items arrive as lists (the proxy copies them); a chunksize of 0 means
 * the pool's default. {@code applyAsync}, {@code mapAsync}, {@code starmapAsync} and {@code imap} return
 * results that stay in the server (typeids {@code AsyncResult} and {@code ResultIterator}).
 */
public final class ServerPool {
    private final Pool pool;

    /** @param pool the pool served */
    public ServerPool(Pool pool) {
        this.pool = pool;
    }

    /**
     * @param fn the call
     * @return its result
     */
    public Object apply(SerializableCallable<?> fn) {
        return pool.apply(fn);
    }

    /**
     * @param fn the call
     * @param timeout its time limit, or null
     * @return its result, to come
     */
    public AsyncResult<?> applyAsync(SerializableCallable<?> fn, Duration timeout) {
        return pool.applyAsync(fn, timeout);
    }

    /**
     * @param fn the function
     * @param items the items
     * @param chunksize the chunk size, or 0 for the default
     * @return the results
     */
    public List<?> map(SerializableFunction<Object, ?> fn, List<?> items, int chunksize) {
        return chunksize == 0 ? pool.map(fn, items) : pool.map(fn, items, chunksize);
    }

    /**
     * @param fn the function
     * @param items the items
     * @param chunksize the chunk size, or 0 for the default
     * @return the results, to come
     */
    public AsyncResult<?> mapAsync(SerializableFunction<Object, ?> fn, List<?> items, int chunksize) {
        return chunksize == 0 ? pool.mapAsync(fn, items) : pool.mapAsync(fn, items, chunksize, null, null);
    }

    /**
     * @param fn the function
     * @param items the pairs
     * @param chunksize the chunk size, or 0 for the default
     * @return the results
     */
    public List<?> starmap(SerializableBiFunction<Object, Object, ?> fn, List<Map.Entry<Object, Object>> items,
                           int chunksize) {
        return chunksize == 0 ? pool.starmap(fn, items) : pool.starmap(fn, items, chunksize);
    }

    /**
     * @param fn the function
     * @param items the pairs
     * @param chunksize the chunk size, or 0 for the default
     * @return the results, to come
     */
    public AsyncResult<?> starmapAsync(SerializableBiFunction<Object, Object, ?> fn,
                                       List<Map.Entry<Object, Object>> items, int chunksize) {
        return chunksize == 0 ? pool.starmapAsync(fn, items) : pool.starmapAsync(fn, items, chunksize, null, null);
    }

    /**
     * @param fn the function
     * @param items the items
     * @param chunksize the chunk size, at least 1
     * @param ordered whether results come in the items' order
     * @return the results, as they come
     */
    public ResultIterator<?> imap(SerializableFunction<Object, ?> fn, List<?> items, int chunksize, boolean ordered) {
        return ordered ? pool.imap(fn, items, chunksize) : pool.imapUnordered(fn, items, chunksize);
    }

    /** Python's {@code close()} and {@code join()}. */
    public void close() {
        pool.close();
    }

    /** Stops the workers now. */
    public void terminate() {
        pool.terminate();
    }

    /** Waits for the workers to exit. */
    public void join() {
        pool.join();
    }

    /** @return the number of workers */
    public int size() {
        return pool.size();
    }

    /** @return the pids of the live workers */
    public long[] pids() {
        return pool.processes().stream().mapToLong(ProcessHandle::pid).toArray();
    }

    @Override
    public String toString() {
        return pool.toString();
    }
}
