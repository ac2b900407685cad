package dev.mp4j.multiprocessing;

import dev.mp4j.InterruptedError;
import dev.mp4j.function.SerializableCallable;
import dev.mp4j.function.SerializableFunction;
import dev.mp4j.futures.BrokenExecutor;
import dev.mp4j.futures.CancelledError;
import dev.mp4j.futures.ExecutorStats;
import dev.mp4j.futures.ResultIterator;
import dev.mp4j.internal.pool.Backend;
import dev.mp4j.internal.pool.Completion;
import dev.mp4j.internal.pool.PoolEngine;
import dev.mp4j.internal.pool.Chunks;
import dev.mp4j.internal.pool.ThreadBackend;
import dev.mp4j.internal.spi.PoolStrategy;
import dev.mp4j.internal.util.Timeouts;

import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The strategy of a {@link Pool} whose workers this JVM runs (worker JVMs; threads for a {@link ThreadPool}):
 * the pool engine, the result-handler thread and the lifecycle.
 *
 * <p>Results and imap iterators hold their strategy until they are ready or ended, and the {@code Pool} holds
 * it; when none does, the strategy is terminated (its {@link Core} is registered with a {@link Cleaner}, and
 * references nothing that leads back here). So a pool nobody references is terminated, but not under a caller
 * still waiting for one of its results.
 */
final class EngineStrategy implements PoolStrategy {
    private static final Cleaner CLEANER = Cleaner.create();

    /** The longest items array kept for the next map ({@link #itemsArray}). */
    private static final int MAX_SPARE_ITEMS = 1 << 18;
    private static final Object[] NULLS = new Object[1024];

    private final Core core;
    private final String owner;
    /** Whether a map's items array is free once its chunks are submitted: the workers get copies (JVMs). */
    private final boolean reuseItems;
    /**
     * Whether a map's own result becomes ready in the thread its last chunk arrives on ({@link PoolResults.MapResult}):
     * for worker threads, where that thread is the worker's. Not for worker JVMs, whose results arrive on the
     * threads that read their frames: left to the handler thread there until that is measured to gain.
     */
    private final boolean mapReadyInPlace;
    /** The items array of a map done with, cleared, for the next map of as many items; null if none. */
    private final AtomicReference<Object[]> spareItems = new AtomicReference<>();

    /**
     * Starts the workers.
     *
     * @param processes the number of workers
     * @param backend what a worker is
     * @param kind the workers' name prefix ("SpawnPoolWorker" ...)
     * @param maxTasksPerChild tasks a worker runs before it is replaced; 0 for no limit
     * @param timeLimitNanos every task's hard time limit; {@link Timeouts#FOREVER} for none
     * @param owner the pool's class name, for its text and its result-handler thread's name
     */
    EngineStrategy(int processes, Backend backend, String kind, int maxTasksPerChild, long timeLimitNanos,
                   String owner) {
        this.core = new Core(processes, backend, kind, maxTasksPerChild, timeLimitNanos, owner);
        this.owner = owner;
        this.reuseItems = backend.preparesCopies();
        this.mapReadyInPlace = backend instanceof ThreadBackend;
        CLEANER.register(this, core);
        core.engine.start();
    }

    @Override
    public <R> AsyncResult<R> applyAsync(SerializableCallable<R> fn, Duration timeout, Consumer<? super R> callback,
                                         Consumer<? super Throwable> errorCallback) {
        PoolResults.ApplyResult<R> r = new PoolResults.ApplyResult<>(this, core.handler, callback, errorCallback);
        submit(fn, r, Timeouts.toNanos(timeout));
        return r;
    }

    @Override
    public <T, R> List<R> map(SerializableFunction<? super T, ? extends R> fn, List<T> items, int chunksize) {
        return this.<T, R>mapResult(fn, items, chunksize, null, null, mapReadyInPlace).get();
    }

    @Override
    public <T, R> AsyncResult<List<R>> mapAsync(SerializableFunction<? super T, ? extends R> fn, List<T> items,
                                                int chunksize, Consumer<? super List<R>> callback,
                                                Consumer<? super Throwable> errorCallback) {
        return mapResult(fn, items, chunksize, callback, errorCallback, false);
    }

    /** @param readyInPlace whether only this map call waits for the result ({@link PoolResults.MapResult}) */
    private <T, R> PoolResults.MapResult<R> mapResult(SerializableFunction<? super T, ? extends R> fn, List<T> items,
                                                      int chunksize, Consumer<? super List<R>> callback,
                                                      Consumer<? super Throwable> errorCallback,
                                                      boolean readyInPlace) {
        core.checkRunning();
        int n = items.size();
        int size = chunksize > 0 ? chunksize : defaultChunksize(n, core.engine.size());
        int chunks = n == 0 ? 0 : (n + size - 1) / size;
        PoolResults.MapResult<R> result = new PoolResults.MapResult<>(this, core.handler, n, chunks, callback,
                errorCallback, readyInPlace);
        if (n == 0) {
            result.complete(new ArrayList<>(), null);
            return result;
        }
        Chunks.Fn f = new Chunks.Fn(erase(fn));
        @SuppressWarnings("unchecked")
        List<Object> all = (List<Object>) items; // the pool's own copy of the caller's items: views of it suffice
        try {
            for (int offset = 0; offset < n; offset += size) {
                submit(new Chunks.Chunk(f, all.subList(offset, Math.min(n, offset + size))), result.chunk(offset),
                        Timeouts.FOREVER);
            }
        } finally {
            spare(items);
        }
        return result;
    }

    /**
     * The items of a map, in an array of the pool's own: the array of the map before when it is as long and
     * the workers got copies of its items (JVMs: every chunk is serialized when submitted), else a copy.
     *
     * @param items the caller's items
     * @return their array, which {@link #mapAsync} gets as a {@link Chunks.Slice} of it whole
     */
    Object[] itemsArray(Collection<?> items) {
        Object[] spare = reuseItems && sized(items) ? spareItems.get() : null;
        if (spare != null && spare.length == items.size() && spareItems.compareAndSet(spare, null)) {
            return items.toArray(spare);
        }
        return items.toArray();
    }

    /** JDK lists whose {@code toArray(T[])} fills exactly {@code size()} slots, besides ArrayList. */
    private static final Class<?> ARRAYS_LIST = Arrays.asList().getClass();
    private static final Class<?> LIST_N = List.of().getClass();
    private static final Class<?> LIST_12 = List.of(0).getClass();

    /**
     * The lists whose {@code toArray(T[])} fills exactly {@code size()} slots: a collection that
     * holds fewer items than its {@code size()} said (a concurrent one, shrinking meanwhile) would leave a null
     * after its last in an array as long, which the map would then call its function with. Other collections
     * get an array of their own.
     *
     * @param c a map's items
     * @return whether {@code c} is one of those lists
     */
    private static boolean sized(Collection<?> c) {
        Class<?> k = c.getClass();
        return k == ArrayList.class || k == ARRAYS_LIST || k == LIST_N || k == LIST_12;
    }

    /**
     * @param items an imap's items
     * @return their number when they are a JDK list whose size cannot change (an immutable list, an
     *     {@code Arrays.asList}), else -1
     */
    static int fixedSize(Iterable<?> items) {
        Class<?> k = items.getClass();
        return k == LIST_N || k == LIST_12 || k == ARRAYS_LIST ? ((List<?>) items).size() : -1;
    }

    /** @return whether the workers get copies of a task's items, so that their arrays are free once submitted */
    boolean reusesItems() {
        return reuseItems;
    }

    /**
     * Keeps a map's items array, cleared, for the next map ({@link #itemsArray}), once its chunks are all
     * submitted: a worker JVM's chunk is a copy, so nothing reads the array any more.
     */
    private void spare(List<?> items) {
        if (reuseItems && items instanceof Chunks.Slice s && s.from() == 0 && s.to() == s.array().length
                && s.array().length <= MAX_SPARE_ITEMS) {
            Object[] a = s.array();
            clear(a, a.length);
            spareItems.set(a);
        }
    }

    /**
     * Sets {@code a[0, n)} to null by bulk copies of nulls rather than a store per slot: a pool's first maps
     * run in the interpreter.
     */
    static void clear(Object[] a, int n) {
        for (int i = 0; i < n; i += NULLS.length) {
            System.arraycopy(NULLS, 0, a, i, Math.min(NULLS.length, n - i));
        }
    }

    @Override
    public <T, R> ResultIterator<R> imap(SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items,
                                         int chunksize, boolean ordered) {
        core.checkRunning();
        PoolResults.IMapIterator<R> it = new PoolResults.IMapIterator<>(this, erase(fn), items.iterator(),
                fixedSize(items), chunksize, PoolResults.IMapIterator.window(core.engine.size(), chunksize), ordered);
        it.feed();
        return it;
    }

    @Override
    public void close() {
        core.close();
    }

    @Override
    public void terminate() {
        core.terminate();
    }

    @Override
    public void join() {
        core.join();
    }

    @Override
    public List<ProcessHandle> processes() {
        return core.engine.processes();
    }

    @Override
    public int size() {
        return core.engine.size();
    }

    @Override
    public ExecutorStats stats() {
        return core.engine.stats();
    }

    @Override
    public String toString() {
        return "<" + owner + " state=" + core.stateName() + " pool_size=" + core.engine.size() + ">";
    }

    /**
     * Queues a task of this pool; translates the engine's rejections into {@link Pool}'s contract.
     *
     * @param timeoutNanos the task's own time limit; {@link Timeouts#FOREVER}: the pool's
     */
    void submit(Object task, Completion completion, long timeoutNanos) {
        core.checkRunning();
        try {
            core.engine.submit(task, completion, timeoutNanos);
        } catch (BrokenExecutor e) {
            throw e;
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("Pool not running", e);
        }
    }

    /** Python's map chunksize: ceil(n / (4 × workers)), and 1 for an empty iterable. */
    static int defaultChunksize(int n, int workers) {
        long per = 4L * workers;
        return (int) Math.max(1, (n + per - 1) / per);
    }

    /** The function as the workers call it: on items of any type (the engine keeps them as objects). */
    @SuppressWarnings("unchecked")
    private static SerializableFunction<Object, Object> erase(SerializableFunction<?, ?> fn) {
        return (SerializableFunction<Object, Object>) fn;
    }

    /**
     * The engine, the result handler and the lifecycle, apart from the strategy so that an unreachable one
     * can be terminated. {@code state} is guarded by {@code this}: RUN --close--&gt; CLOSE, RUN|CLOSE
     * --terminate--&gt; TERMINATE.
     */
    private static final class Core implements Runnable {
        private enum State { RUN, CLOSE, TERMINATE }

        final PoolEngine engine;
        final PoolResults.Handler handler;
        private State state = State.RUN;

        Core(int processes, Backend backend, String kind, int maxTasksPerChild, long timeLimitNanos, String owner) {
            this.engine = new PoolEngine(processes, kind, PoolEngine.Death.REPLACE, maxTasksPerChild, timeLimitNanos,
                    backend);
            this.handler = new PoolResults.Handler(owner);
        }

        synchronized String stateName() {
            return state.name();
        }

        synchronized void checkRunning() {
            if (state != State.RUN) {
                throw new IllegalStateException("Pool not running");
            }
        }

        void close() {
            synchronized (this) {
                if (state == State.RUN) {
                    state = State.CLOSE;
                }
            }
            engine.shutdown(false);
            awaitEnd();
        }

        void terminate() {
            synchronized (this) {
                state = State.TERMINATE;
            }
            engine.terminate(() -> new CancelledError("the pool was terminated before the task finished"));
            awaitEnd();
        }

        void join() {
            synchronized (this) {
                if (state == State.RUN) {
                    throw new IllegalStateException("Pool is still running: call close() or terminate() first");
                }
            }
            awaitEnd();
        }

        /** Waits for the workers to be gone, then for the callbacks of every result to have run. */
        private void awaitEnd() {
            try {
                engine.awaitTermination(Timeouts.FOREVER);
            } catch (InterruptedException e) {
                throw InterruptedError.restore(e);
            }
            handler.stop();
        }

        /** The cleaner's action, once the strategy is unreachable: {@link #unreachable}. */
        @Override
        public void run() {
            unreachable();
        }

        void unreachable() {
            synchronized (this) {
                state = State.TERMINATE;
            }
            engine.terminate(() -> new CancelledError("the pool was terminated when it became unreachable"));
            handler.stop();
        }
    }
}
