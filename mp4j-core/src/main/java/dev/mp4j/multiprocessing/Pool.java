package dev.mp4j.multiprocessing;

import dev.mp4j.function.SerializableBiFunction;
import dev.mp4j.function.SerializableCallable;
import dev.mp4j.function.SerializableFunction;
import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.futures.CancelledError;
import dev.mp4j.futures.ExecutorStats;
import dev.mp4j.futures.ResultIterator;
import dev.mp4j.internal.dummy.DummyContext;
import dev.mp4j.internal.dummy.DummyProcess;
import dev.mp4j.internal.pool.Chunks;
import dev.mp4j.internal.pool.JvmBackend;
import dev.mp4j.internal.pool.Limits;
import dev.mp4j.internal.pool.ThreadBackend;
import dev.mp4j.internal.spi.JvmContext;
import dev.mp4j.internal.spi.PoolStrategy;
import dev.mp4j.internal.spi.Pools;
import dev.mp4j.internal.util.Timeouts;

import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Python's {@code multiprocessing.pool.Pool}: a pool of worker JVMs to which calls are offloaded.
 *
 * {@snippet :
 * try (Pool pool = new Pool(4)) {
 *     List<Integer> squares = pool.map(x -> x * x, List.of(1, 2, 3));
 *     AsyncResult<Long> pid = pool.applyAsync(() -> ProcessHandle.current().pid());
 *     System.out.println(pid.get(Duration.ofSeconds(1)));
 * }
 * }
 *
 * <p>Workers ("SpawnPoolWorker-N", "ForkServerPoolWorker-N") start when the pool is made, and run one task
 * at a time. A worker that ends while it runs a task (a crash, a kill, {@code System.exit}) fails exactly
 * that task with {@link WorkerLostError}, naming the worker and its exit code; a fresh worker replaces it
 * and the pool goes on (Python would hang). A failing initializer breaks the pool: outstanding and later
 * calls fail with {@code BrokenProcessPool} (Python would restart workers forever).
 *
 * <p>Limits (billiard's): a hard time limit, per call ({@link #applyAsync(SerializableCallable, Duration)})
 * or for every task ({@link Builder#timeLimit}), counts from when the task goes to its worker; past it the
 * worker is killed and replaced and the result fails with {@link dev.mp4j.futures.TimeoutError}.
 * {@link Builder#softTimeLimit} first interrupts the task's thread; {@link Builder#maxMemoryPerChild}
 * replaces a worker whose heap use passed it after a task. These events are logged on the "dev.mp4j.pool"
 * {@link System.Logger}.
 *
 * <p>Callbacks run in this JVM on the pool's one result-handler thread, in the order results arrive, before
 * the result becomes ready: they should return quickly, since they hold up the results after them.
 *
 * <p>Lifecycle: running --{@link #close()}--&gt; closed (no new tasks; outstanding ones finish; workers exit;
 * {@code close} returns when they have) and running --{@link #terminate()}--&gt; terminated (workers killed,
 * outstanding results fail with {@link CancelledError}). Either way, calls afterwards throw
 * {@link IllegalStateException}. A pool that becomes unreachable is terminated.
 *
 * <p>The methods of a pool should be used only by the process that made it.
 *
 * @since 0.1
 */
public class Pool implements AutoCloseable {
    // How code outside this package makes a pool over its own strategy (a manager's) and finds a pool's
    // strategy, without a public constructor for it: see Pools.
    static {
        Pools.install(new Pools.Access() {
            @Override
            public Pool forwardingTo(PoolStrategy strategy) {
                return new ForwardingPool(strategy);
            }

            @Override
            public PoolStrategy strategyOf(Pool pool) {
                return pool.strategy;
            }
        });
    }

    /** What every method calls once it has checked its arguments: this JVM's engine, or a manager's pool. */
    private final PoolStrategy strategy;

    /** A pool of {@link Multiprocessing#cpuCount()} worker JVMs of the default context. */
    public Pool() {
        this(builder());
    }

    /**
     * @param processes the number of worker JVMs
     * @throws IllegalArgumentException if {@code processes < 1}
     */
    public Pool(int processes) {
        this(builder().processes(processes));
    }

    private Pool(Builder b) {
        this(b, Contexts.defaultContext());
    }

    private Pool(Builder b, JvmContext context) {
        context.checkStartable("the pool's workers");
        JvmBackend backend = new JvmBackend(context, b.initializer, Limits.forWorker(b.softTimeLimitNanos),
                b.maxMemoryPerChild);
        try {
            backend.bootAhead(b.processes); // the workers' JVMs boot while the rest of the pool is made
            this.strategy = new EngineStrategy(b.processes, backend, workerKind(context), b.maxTasksPerChild,
                    b.timeLimitNanos, getClass().getSimpleName());
        } catch (RuntimeException | Error e) {
            backend.dropAhead();
            throw e;
        }
    }

    /** For {@link ThreadPool}: workers are threads. */
    Pool(int threads, Runnable initializer, int maxTasksPerChild) {
        this(threads, initializer, maxTasksPerChild, Timeouts.FOREVER, Timeouts.FOREVER);
    }

    /** For {@link ThreadPool}: workers are threads; a time limit kills (interrupts and abandons) a thread. */
    Pool(int threads, Runnable initializer, int maxTasksPerChild, long timeLimitNanos, long softTimeLimitNanos) {
        this.strategy = new EngineStrategy(checkProcesses(threads), new ThreadBackend(initializer,
                Limits.forWorker(softTimeLimitNanos), new AsDummyProcess()), "ThreadPoolWorker", maxTasksPerChild,
                timeLimitNanos, getClass().getSimpleName());
    }

    /**
     * A worker thread's scope: {@link DummyProcess#runAsWorker}. A class, not a method reference, whose first
     * use spins a class and its method handles' forms (three classes, on a fresh JVM's first ThreadPool),
     * each built by the JDK's class-file writer, whose stack-map code the JIT then compiles at length while
     * the pool's first tasks wait for it.
     */
    private static final class AsDummyProcess implements Consumer<Runnable> {
        @Override
        public void accept(Runnable body) {
            DummyProcess.runAsWorker(body);
        }
    }

    /** For {@link ForwardingPool}: every call goes to {@code strategy}, which lives elsewhere. */
    Pool(PoolStrategy strategy) {
        this.strategy = strategy;
    }

    private static String workerKind(JvmContext context) {
        return context.startMethod().equals(Contexts.FORKSERVER) ? "ForkServerPoolWorker" : "SpawnPoolWorker";
    }

    private static int checkProcesses(int processes) {
        if (processes < 1) {
            throw new IllegalArgumentException("Number of processes must be at least 1, got " + processes);
        }
        return processes;
    }

    /** @return a builder for the keyword arguments: processes, initializer, maxTasksPerChild, context */
    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------- apply

    /**
     * Calls {@code fn} in a worker and waits for its result.
     *
     * @param fn the call
     * @param <R> the result type
     * @return its result
     * @throws java.util.concurrent.CompletionException wrapping a checked exception of the call; an unchecked
     *     one is thrown as it is
     * @throws WorkerLostError if the worker running it ended
     * @throws IllegalStateException if the pool is closed or terminated
     */
    public <R> R apply(SerializableCallable<R> fn) {
        return strategy.apply(Objects.requireNonNull(fn, "fn"));
    }

    /**
     * @param fn the call
     * @param <R> the result type
     * @return its result, to come
     * @throws IllegalStateException if the pool is closed or terminated
     */
    public <R> AsyncResult<R> applyAsync(SerializableCallable<R> fn) {
        return strategy.applyAsync(Objects.requireNonNull(fn, "fn"), null, null, null);
    }

    /**
     * A call with its own hard time limit (instead of the pool's {@link Builder#timeLimit}): once it has run
     * that long in its worker, the worker is killed and replaced, and the result fails with
     * {@link dev.mp4j.futures.TimeoutError}. Other tasks are not touched.
     *
     * @param fn the call
     * @param timeout its time limit, counted from when it starts in a worker; null for the pool's (none if
     *     the pool has none); negative counts as zero
     * @param <R> the result type
     * @return its result, to come
     * @throws IllegalStateException if the pool is closed or terminated
     */
    public <R> AsyncResult<R> applyAsync(SerializableCallable<R> fn, Duration timeout) {
        return strategy.applyAsync(Objects.requireNonNull(fn, "fn"), timeout, null, null);
    }

    /**
     * @param fn the call
     * @param callback called with the result when the call succeeds (on the result-handler thread); null for none
     * @param errorCallback called with the exception when it fails; null for none
     * @param <R> the result type
     * @return its result, to come
     * @throws IllegalStateException if the pool is closed or terminated
     */
    public <R> AsyncResult<R> applyAsync(SerializableCallable<R> fn, Consumer<? super R> callback,
                                         Consumer<? super Throwable> errorCallback) {
        return strategy.applyAsync(Objects.requireNonNull(fn, "fn"), null, callback, errorCallback);
    }

    // ---------------------------------------------------------------- map

    /**
     * Python's {@code map}: {@code fn} applied to every item, in order. Items go to the workers in chunks of
     * ceil(n / (4 × processes)).
     *
     * @param fn the function
     * @param items the items (collected at once)
     * @param <T> the item type
     * @param <R> the result type
     * @return the results, in order
     * @throws java.util.concurrent.CompletionException wrapping a checked exception of a call; an unchecked
     *     one is thrown as it is (the first to arrive)
     */
    public <T, R> List<R> map(SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items) {
        return strategy.map(Objects.requireNonNull(fn, "fn"), mapItems(items), 0);
    }

    /**
     * @param fn the function
     * @param items the items (collected at once)
     * @param chunksize how many items go to a worker as one task, at least 1
     * @param <T> the item type
     * @param <R> the result type
     * @return the results, in order
     */
    public <T, R> List<R> map(SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items,
                              int chunksize) {
        int size = Limits.atLeastOne("chunksize", chunksize);
        return strategy.map(Objects.requireNonNull(fn, "fn"), mapItems(items), size);
    }

    /**
     * @param fn the function
     * @param items the items (collected at once)
     * @param <T> the item type
     * @param <R> the result type
     * @return the results, to come
     */
    public <T, R> AsyncResult<List<R>> mapAsync(SerializableFunction<? super T, ? extends R> fn,
                                                Iterable<? extends T> items) {
        return strategy.mapAsync(Objects.requireNonNull(fn, "fn"), mapItems(items), 0, null, null);
    }

    /**
     * @param fn the function
     * @param items the items (collected at once)
     * @param chunksize how many items go to a worker as one task, at least 1
     * @param callback called with the results when every call succeeded; null for none
     * @param errorCallback called with the first exception that arrives; null for none
     * @param <T> the item type
     * @param <R> the result type
     * @return the results, to come
     */
    public <T, R> AsyncResult<List<R>> mapAsync(SerializableFunction<? super T, ? extends R> fn,
                                                Iterable<? extends T> items, int chunksize,
                                                Consumer<? super List<R>> callback,
                                                Consumer<? super Throwable> errorCallback) {
        int size = Limits.atLeastOne("chunksize", chunksize);
        return strategy.mapAsync(Objects.requireNonNull(fn, "fn"), mapItems(items), size, callback, errorCallback);
    }

    /**
     * Python's {@code starmap}: {@code fn(key, value)} for every pair.
     *
     * @param fn the function of two arguments
     * @param items the argument pairs (collected at once)
     * @param <A> the first argument's type
     * @param <B> the second argument's type
     * @param <R> the result type
     * @return the results, in order
     */
    public <A, B, R> List<R> starmap(SerializableBiFunction<? super A, ? super B, ? extends R> fn,
                                     Iterable<? extends Map.Entry<? extends A, ? extends B>> items) {
        return strategy.starmap(Objects.requireNonNull(fn, "fn"), pairs(items), 0);
    }

    /**
     * @param fn the function of two arguments
     * @param items the argument pairs (collected at once)
     * @param chunksize how many pairs go to a worker as one task, at least 1
     * @param <A> the first argument's type
     * @param <B> the second argument's type
     * @param <R> the result type
     * @return the results, in order
     */
    public <A, B, R> List<R> starmap(SerializableBiFunction<? super A, ? super B, ? extends R> fn,
                                     Iterable<? extends Map.Entry<? extends A, ? extends B>> items, int chunksize) {
        int size = Limits.atLeastOne("chunksize", chunksize);
        return strategy.starmap(Objects.requireNonNull(fn, "fn"), pairs(items), size);
    }

    /**
     * @param fn the function of two arguments
     * @param items the argument pairs (collected at once)
     * @param <A> the first argument's type
     * @param <B> the second argument's type
     * @param <R> the result type
     * @return the results, to come
     */
    public <A, B, R> AsyncResult<List<R>> starmapAsync(SerializableBiFunction<? super A, ? super B, ? extends R> fn,
                                                       Iterable<? extends Map.Entry<? extends A, ? extends B>> items) {
        return strategy.starmapAsync(Objects.requireNonNull(fn, "fn"), pairs(items), 0, null, null);
    }

    /**
     * @param fn the function of two arguments
     * @param items the argument pairs (collected at once)
     * @param chunksize how many pairs go to a worker as one task, at least 1
     * @param callback called with the results when every call succeeded; null for none
     * @param errorCallback called with the first exception that arrives; null for none
     * @param <A> the first argument's type
     * @param <B> the second argument's type
     * @param <R> the result type
     * @return the results, to come
     */
    public <A, B, R> AsyncResult<List<R>> starmapAsync(SerializableBiFunction<? super A, ? super B, ? extends R> fn,
                                                       Iterable<? extends Map.Entry<? extends A, ? extends B>> items,
                                                       int chunksize, Consumer<? super List<R>> callback,
                                                       Consumer<? super Throwable> errorCallback) {
        int size = Limits.atLeastOne("chunksize", chunksize);
        return strategy.starmapAsync(Objects.requireNonNull(fn, "fn"), pairs(items), size, callback, errorCallback);
    }

    // ---------------------------------------------------------------- imap

    /**
     * Python's {@code imap}, lazily: items are taken from {@code items} and sent as results are consumed (a
     * few chunks ahead: two per worker, or up to 32 while they hold about 4,096 items or fewer), so an endless
     * iterable works. The iterator's {@code next(timeout)} throws
     * {@link dev.mp4j.futures.TimeoutError} and the iteration can go on. A call's exception is raised at its
     * item and the iteration goes on; an exception of {@code items} itself is raised after the items before
     * it and ends the iteration. Items not yet sent when the pool is closed or terminated are not run: the
     * iterator then ends with an {@link IllegalStateException}.
     *
     * @param fn the function
     * @param items the items
     * @param <T> the item type
     * @param <R> the result type
     * @return the results, in order
     */
    public <T, R> ResultIterator<R> imap(SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items) {
        return imap(fn, items, 1);
    }

    /**
     * @param fn the function
     * @param items the items
     * @param chunksize how many items go to a worker as one task, at least 1
     * @param <T> the item type
     * @param <R> the result type
     * @return the results, in order
     */
    public <T, R> ResultIterator<R> imap(SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items,
                                         int chunksize) {
        return iterate(fn, items, chunksize, true);
    }

    /**
     * Like {@link #imap} but the results come in the order they are ready.
     *
     * @param fn the function
     * @param items the items
     * @param <T> the item type
     * @param <R> the result type
     * @return the results, in completion order
     */
    public <T, R> ResultIterator<R> imapUnordered(SerializableFunction<? super T, ? extends R> fn,
                                                  Iterable<? extends T> items) {
        return imapUnordered(fn, items, 1);
    }

    /**
     * @param fn the function
     * @param items the items
     * @param chunksize how many items go to a worker as one task, at least 1
     * @param <T> the item type
     * @param <R> the result type
     * @return the results, in completion order
     */
    public <T, R> ResultIterator<R> imapUnordered(SerializableFunction<? super T, ? extends R> fn,
                                                  Iterable<? extends T> items, int chunksize) {
        return iterate(fn, items, chunksize, false);
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Python's {@code close()} and {@code join()}: no new tasks; outstanding ones finish and their callbacks
     * run; the workers exit. Returns when all that is done (so try-with-resources waits). Closing again, or
     * after {@link #terminate()}, only waits.
     */
    @Override
    public void close() {
        strategy.close();
    }

    /** Stops the workers now (worker JVMs are killed); outstanding results fail with {@link CancelledError}. */
    public void terminate() {
        strategy.terminate();
    }

    /**
     * Waits for the workers to exit.
     *
     * @throws IllegalStateException if neither {@link #close()} nor {@link #terminate()} was called
     */
    public void join() {
        strategy.join();
    }

    /** @return the live worker processes; none for a {@link ThreadPool} */
    public List<ProcessHandle> processes() {
        return strategy.processes();
    }

    /** @return the number of workers */
    public int size() {
        return strategy.size();
    }

    /**
     * What the pool does now, read at one moment. Each item of a {@code map}, {@code imap} or
     * {@code starmap} counts as a task (not each chunk); its items on a worker count as running, those
     * sent ahead to a busy worker included. Tasks that {@link #terminate()} stops count as cancelled.
     *
     * @return the pool's statistics
     * @throws UnsupportedOperationException for a pool that runs in a manager's server
     */
    public ExecutorStats stats() {
        return strategy.stats();
    }

    @Override
    public String toString() {
        return strategy.toString();
    }

    /** @return what every method of this pool calls */
    final PoolStrategy strategy() {
        return strategy;
    }

    // ---------------------------------------------------------------- arguments

    private <T, R> ResultIterator<R> iterate(SerializableFunction<? super T, ? extends R> fn,
                                             Iterable<? extends T> items, int chunksize, boolean ordered) {
        return strategy.imap(Objects.requireNonNull(fn, "fn"), Objects.requireNonNull(items, "items"),
                Limits.atLeastOne("chunksize", chunksize), ordered);
    }

    /**
     * The items of a map, collected at once: for this JVM's own engine, one copy of them in an array, whose
     * chunks are ranges of it that the workers' frames are encoded from; for a pool elsewhere (a manager's),
     * the list it is sent.
     */
    @SuppressWarnings("unchecked")
    private <T> List<T> mapItems(Iterable<? extends T> items) {
        if (!(strategy instanceof EngineStrategy engine)) {
            return collect(items);
        }
        Object[] a = items instanceof Collection<? extends T> c ? engine.itemsArray(c) : collect(items).toArray();
        return (List<T>) new Chunks.Slice(a, 0, a.length);
    }

    private static <T> List<T> collect(Iterable<? extends T> items) {
        Objects.requireNonNull(items, "items");
        if (items instanceof Collection<? extends T> c) {
            return new ArrayList<>(c); // one copy of its array, not an add per item
        }
        List<T> out = new ArrayList<>();
        for (T o : items) {
            out.add(o);
        }
        return out;
    }

    /** The pairs as serializable entries (Map.entry's are not), in order. */
    private static <A, B> List<Map.Entry<A, B>> pairs(Iterable<? extends Map.Entry<? extends A, ? extends B>> items) {
        Objects.requireNonNull(items, "items");
        List<Map.Entry<A, B>> out = new ArrayList<>();
        for (Map.Entry<? extends A, ? extends B> e : items) {
            Objects.requireNonNull(e, "an entry in items is null");
            out.add(new AbstractMap.SimpleImmutableEntry<>(e.getKey(), e.getValue()));
        }
        return out;
    }

    /** The keyword arguments of {@link Pool}. */
    public static final class Builder {
        private int processes = Multiprocessing.cpuCount();
        private SerializableRunnable initializer;
        private int maxTasksPerChild;
        private Context context;
        private long timeLimitNanos = Timeouts.FOREVER;
        private long softTimeLimitNanos = Timeouts.FOREVER;
        private long maxMemoryPerChild;

        private Builder() {}

        /**
         * @param timeLimit the hard time limit of every task, from when it starts in a worker: past it the
         *     worker is killed and replaced and the task fails with {@link dev.mp4j.futures.TimeoutError};
         *     null for none (the default). A worker thread of a {@link ThreadPool} cannot be killed: it is
         *     interrupted and left to end, and a new thread replaces it.
         * @return this builder
         * @throws IllegalArgumentException if it is zero or negative
         */
        public Builder timeLimit(Duration timeLimit) {
            this.timeLimitNanos = Limits.timeLimit("timeLimit", timeLimit);
            return this;
        }

        /**
         * @param softTimeLimit past it, the thread running the task is interrupted (once), so that the task
         *     can clean up; the hard limit still applies; null for none (the default)
         * @return this builder
         * @throws IllegalArgumentException if it is zero or negative
         */
        public Builder softTimeLimit(Duration softTimeLimit) {
            this.softTimeLimitNanos = Limits.timeLimit("softTimeLimit", softTimeLimit);
            return this;
        }

        /**
         * @param bytes after a task, a worker JVM whose used heap is above this is replaced by a fresh one
         *     (the task's result is still delivered); default no limit; ignored by a {@link ThreadPool}
         * @return this builder
         * @throws IllegalArgumentException if it is zero or negative
         */
        public Builder maxMemoryPerChild(long bytes) {
            this.maxMemoryPerChild = Limits.bytes("maxMemoryPerChild", bytes);
            return this;
        }

        /**
         * @param processes the number of workers; default {@link Multiprocessing#cpuCount()}
         * @return this builder
         * @throws IllegalArgumentException if {@code processes < 1}
         */
        public Builder processes(int processes) {
            this.processes = checkProcesses(processes);
            return this;
        }

        /**
         * @param initializer run once in every worker before its first task; null for none. If it throws,
         *     the pool is broken.
         * @return this builder
         */
        public Builder initializer(SerializableRunnable initializer) {
            this.initializer = initializer;
            return this;
        }

        /**
         * @param maxTasksPerChild how many tasks a worker runs before a fresh one replaces it
         * @return this builder
         * @throws IllegalArgumentException if {@code maxTasksPerChild < 1}
         */
        public Builder maxTasksPerChild(int maxTasksPerChild) {
            this.maxTasksPerChild = Limits.atLeastOne("maxTasksPerChild", maxTasksPerChild);
            return this;
        }

        /**
         * @param context the start method and JVM settings of the workers; null for the default context;
         *     {@link Multiprocessing#dummy()} for a {@link ThreadPool}
         * @return this builder
         */
        public Builder context(Context context) {
            this.context = context;
            return this;
        }

        /** @return the pool, its workers starting */
        public Pool build() {
            return switch (context != null ? context : Multiprocessing.getContext()) {
                case JvmContext jvm -> new Pool(this, jvm);
                case DummyContext dummy -> new ThreadPool(processes, initializer, maxTasksPerChild, timeLimitNanos,
                        softTimeLimitNanos);
            };
        }
    }
}
