package dev.mp4j.futures;

import dev.mp4j.InterruptedError;
import dev.mp4j.function.SerializableCallable;
import dev.mp4j.function.SerializableFunction;
import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.internal.pool.Completion;
import dev.mp4j.internal.pool.JvmBackend;
import dev.mp4j.internal.pool.Limits;
import dev.mp4j.internal.pool.PoolEngine;
import dev.mp4j.internal.pool.Chunks;
import dev.mp4j.internal.spawn.Launcher;
import dev.mp4j.internal.spi.JvmContext;
import dev.mp4j.internal.util.Exceptions;
import dev.mp4j.internal.util.KeepAlive;
import dev.mp4j.internal.util.SingleUseIterator;
import dev.mp4j.internal.util.Timeouts;
import dev.mp4j.multiprocessing.Context;
import dev.mp4j.multiprocessing.Multiprocessing;

import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Python's {@code concurrent.futures.ProcessPoolExecutor}: runs tasks in a pool of worker JVMs.
 *
 * <p>Data flow (compare CPython's process.py): {@code submit} serializes the task in the caller's thread
 * (a task that cannot be serialized fails its own future) and queues it; the pool engine (shared with
 * {@code multiprocessing.Pool}) assigns queued tasks to idle workers, one task per worker, and sends each
 * over that worker's control channel; a reader per worker completes the futures as results come back and
 * assigns the next. So the parent always knows which task each worker runs.
 * <pre>
 *   submit --&gt; pending --assign--&gt; worker.inflight --TASK--&gt; worker JVM --RESULT--&gt; reader --&gt; Future
 * </pre>
 * Workers start at the first submit, all {@code maxWorkers} of them. A worker that dies abruptly breaks
 * the pool, as in Python: every pending and running future fails with {@link BrokenProcessPool}, the
 * other workers are stopped, and later submits throw it. With {@code maxTasksPerChild} a worker exits
 * after that many tasks and a fresh one replaces it. {@code cancel(true)} on a running task kills its
 * worker and replaces it without breaking the pool; the tasks that worker held but had not started go to
 * another worker.
 *
 * <p>Beyond Python: with {@link WorkerDeath#REPLACE} a worker's abrupt death fails only the task it ran
 * ({@link dev.mp4j.multiprocessing.WorkerLostError}) and a new worker replaces it. A time limit (per task,
 * {@link #submit(SerializableCallable, Duration)}, or for every task, {@link Builder#timeLimit}) counts from
 * when the task goes to its worker; past it the worker is killed and replaced and the future fails with
 * {@link TimeoutError}, never breaking the pool. {@link Builder#softTimeLimit} first interrupts the task's
 * thread in the worker; {@link Builder#maxMemoryPerChild} replaces a worker whose heap use passed it after
 * a task (the task's result is still delivered). These events are logged on the "dev.mp4j.pool"
 * {@link System.Logger}.
 *
 * <p>As in Python, the JVM does not exit while submitted work is pending; workers end with this JVM.
 *
 * <p>For example:
 * {@snippet :
 * try (var executor = new ProcessPoolExecutor(2)) {      // two worker JVMs
 *     Future<Long> pid = executor.submit(() -> ProcessHandle.current().pid());
 *     System.out.println(pid.result());                        // a worker's pid
 *     for (boolean prime : executor.map(Primes::isPrime, List.of(112272535095293L, 115280095190773L))) {
 *         System.out.println(prime);
 *     }
 * }
 * }
 *
 * @since 0.1
 */
public class ProcessPoolExecutor implements Executor {
    private static final Cleaner CLEANER = Cleaner.create();

    private final Workers workers;

    /** A pool of {@link Multiprocessing#cpuCount()} workers. */
    public ProcessPoolExecutor() {
        this(builder());
    }

    /**
     * @param maxWorkers the number of worker JVMs
     * @throws IllegalArgumentException if {@code maxWorkers <= 0}
     */
    public ProcessPoolExecutor(int maxWorkers) {
        this(builder().maxWorkers(maxWorkers));
    }

    // The Cleaner keeps only a phantom reference to this; no method of a subclass can run on it.
    @SuppressWarnings("this-escape")
    private ProcessPoolExecutor(Builder b) {
        // instanceof, not a pattern switch, nor a method reference for the cleaner: on a fresh JVM's way to its
        // first workers, a type switch's bootstrap spins its class through method handles (10-18 ms here), and a
        // method reference its own class
        Context context = b.context != null ? b.context : Multiprocessing.getContext();
        if (!(context instanceof JvmContext launcher)) {
            throw new IllegalArgumentException("context must be one made by Multiprocessing.getContext(...), got "
                    + "the dummy context " + context);
        }
        this.workers = new Workers(b, launcher);
        CLEANER.register(this, new Unreachable(workers));
    }

    /** Shuts the workers of an executor that became unreachable down. */
    private static final class Unreachable implements Runnable {
        private final Workers workers;

        Unreachable(Workers workers) {
            this.workers = workers;
        }

        @Override
        public void run() {
            workers.unreachable();
        }
    }

    /**
     * @return a builder for the keyword arguments: maxWorkers, context, initializer, maxTasksPerChild, and
     *     workerDeath, timeLimit, softTimeLimit, maxMemoryPerChild
     */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the number of worker JVMs */
    public int maxWorkers() {
        return workers.maxWorkers;
    }

    /** @return the live worker processes (those booting included, once their OS process exists) */
    public List<ProcessHandle> processes() {
        return workers.processes();
    }

    /**
     * What the pool does now, read at one moment. A {@code map} with a chunksize counts each item as a task;
     * its items on a worker count as running, those sent ahead to a busy worker included.
     *
     * @return the pool's statistics
     */
    public ExecutorStats stats() {
        return workers.engine.stats();
    }

    @Override
    public <V> Future<V> submit(SerializableCallable<V> fn) {
        Objects.requireNonNull(fn, "fn");
        return workers.submit(fn);
    }

    /**
     * Submits a call with its own hard time limit (instead of the pool's {@link Builder#timeLimit}): once it
     * has run that long in its worker, the worker is killed and replaced, and the future fails with
     * {@link TimeoutError}. Other tasks are not touched and the pool is not broken, whatever its
     * {@link WorkerDeath} policy.
     *
     * @param fn the call
     * @param timeout its time limit, counted from when it starts in a worker; null for the pool's (none if
     *     the pool has none); negative counts as zero
     * @param <V> the result type
     * @return its future
     */
    public <V> Future<V> submit(SerializableCallable<V> fn, Duration timeout) {
        Objects.requireNonNull(fn, "fn");
        return workers.submit(fn, Timeouts.toNanos(timeout));
    }

    /** {@inheritDoc} The callable must be serializable: its future fails if it cannot be sent. */
    @Override
    public <T> Future<T> submit(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        return workers.submit(task);
    }

    /**
     * {@inheritDoc} The items are sent to the workers in chunks of {@code chunksize} (one task per chunk),
     * which makes many small calls much cheaper.
     */
    @Override
    @SuppressWarnings("unchecked")
    public <T, R> ResultIterator<R> map(SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items,
                                        Duration timeout, int chunksize) {
        Objects.requireNonNull(fn, "fn");
        Objects.requireNonNull(items, "items");
        Limits.atLeastOne("chunksize", chunksize);
        long start = System.nanoTime();
        Chunks.Fn f = new Chunks.Fn((SerializableFunction<Object, Object>) (SerializableFunction<?, ?>) fn);
        List<Future<Chunks.ChunkResult>> chunks = new ArrayList<>();
        List<Object> chunk = new ArrayList<>(chunksize);
        int n = 0;
        try {
            for (T item : items) {
                n++;
                chunk.add(item);
                if (chunk.size() == chunksize) {
                    chunks.add(workers.submit(new Chunks.Chunk(f, chunk)));
                    chunk = new ArrayList<>(chunksize);
                }
            }
            if (!chunk.isEmpty()) {
                chunks.add(workers.submit(new Chunks.Chunk(f, chunk)));
            }
        } catch (RuntimeException | Error e) {
            chunks.forEach(Future::cancel);
            throw e;
        }
        return (ResultIterator<R>) new ChunkedResults(chunks, n, Timeouts.toNanos(timeout), start);
    }

    @Override
    public void shutdown(boolean wait, boolean cancelFutures) {
        workers.shutdown(cancelFutures);
        if (wait) {
            try {
                workers.awaitTermination(Timeouts.FOREVER);
            } catch (InterruptedException e) {
                throw InterruptedError.restore(e);
            }
        }
    }

    /**
     * The JDK's shutdownNow: no new tasks; the tasks not yet started are cancelled and returned; running
     * ones are cancelled and their workers killed.
     */
    @Override
    public List<Runnable> shutdownNow() {
        return workers.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
        return workers.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return workers.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return workers.awaitTermination(Math.max(0, unit.toNanos(timeout)));
    }

    @Override
    public String toString() {
        return "<ProcessPoolExecutor " + workers.launcher.startMethod() + " maxWorkers=" + workers.maxWorkers
                + (workers.isShutdown() ? " shutdown" : "") + ">";
    }

    /** The keyword arguments of {@link ProcessPoolExecutor}. */
    public static final class Builder {
        private int maxWorkers = Multiprocessing.cpuCount();
        private Context context;
        private SerializableRunnable initializer;
        private int maxTasksPerChild;
        private WorkerDeath workerDeath = WorkerDeath.BREAK;
        private long timeLimitNanos = Timeouts.FOREVER;
        private long softTimeLimitNanos = Timeouts.FOREVER;
        private long maxMemoryPerChild;

        private Builder() {}

        /**
         * @param workerDeath what a worker's abrupt death does to the pool; default {@link WorkerDeath#BREAK}
         * @return this builder
         * @throws NullPointerException if it is null
         */
        public Builder workerDeath(WorkerDeath workerDeath) {
            this.workerDeath = Objects.requireNonNull(workerDeath, "workerDeath");
            return this;
        }

        /**
         * @param timeLimit the hard time limit of every task, from when it starts in a worker: past it the
         *     worker is killed and replaced and the task fails with {@link TimeoutError}; null for none (the
         *     default). A task submitted with its own timeout has that one instead.
         * @return this builder
         * @throws IllegalArgumentException if it is zero or negative
         */
        public Builder timeLimit(Duration timeLimit) {
            this.timeLimitNanos = Limits.timeLimit("timeLimit", timeLimit);
            return this;
        }

        /**
         * @param softTimeLimit past it, the thread running the task in the worker is interrupted (once), so
         *     that the task can clean up; the hard limit still applies; null for none (the default)
         * @return this builder
         * @throws IllegalArgumentException if it is zero or negative
         */
        public Builder softTimeLimit(Duration softTimeLimit) {
            this.softTimeLimitNanos = Limits.timeLimit("softTimeLimit", softTimeLimit);
            return this;
        }

        /**
         * @param bytes after a task, a worker whose used heap is above this is replaced by a fresh one (the
         *     task's result is still delivered); default no limit
         * @return this builder
         * @throws IllegalArgumentException if it is zero or negative
         */
        public Builder maxMemoryPerChild(long bytes) {
            this.maxMemoryPerChild = Limits.bytes("maxMemoryPerChild", bytes);
            return this;
        }

        /**
         * @param maxWorkers the number of worker JVMs; default {@link Multiprocessing#cpuCount()}
         * @return this builder
         * @throws IllegalArgumentException if {@code maxWorkers <= 0}
         */
        public Builder maxWorkers(int maxWorkers) {
            if (maxWorkers <= 0) {
                throw new IllegalArgumentException("maxWorkers must be greater than 0");
            }
            this.maxWorkers = maxWorkers;
            return this;
        }

        /**
         * @param context the start method and JVM settings of the workers; null for the default context
         * @return this builder
         */
        public Builder context(Context context) {
            this.context = context;
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
         * @param maxTasksPerChild how many tasks a worker runs before it is replaced by a fresh one
         * @return this builder
         * @throws IllegalArgumentException if {@code maxTasksPerChild < 1}
         */
        public Builder maxTasksPerChild(int maxTasksPerChild) {
            this.maxTasksPerChild = Limits.atLeastOne("maxTasksPerChild", maxTasksPerChild);
            return this;
        }

        /** @return the pool */
        public ProcessPoolExecutor build() {
            return new ProcessPoolExecutor(this);
        }
    }

    /**
     * Flattens chunk results into {@code map}'s iterator; raises a call's exception at its item. Closing it
     * cancels the chunks not yet started.
     */
    private static final class ChunkedResults extends SingleUseIterator<Object> {
        private final List<Future<Chunks.ChunkResult>> chunks;
        private final int items;
        private final long deadline;
        private int nextChunk;
        private Iterator<Object> current = java.util.Collections.emptyIterator();
        private Throwable pendingError;
        private boolean ended;

        ChunkedResults(List<Future<Chunks.ChunkResult>> chunks, int items, long timeoutNanos, long start) {
            this.chunks = chunks;
            this.items = items;
            long d = start + timeoutNanos;
            this.deadline = timeoutNanos == Timeouts.FOREVER || d - start < 0 ? Timeouts.FOREVER : d;
        }

        @Override
        protected boolean more() {
            return !ended && (current.hasNext() || pendingError != null || nextChunk < chunks.size());
        }

        @Override
        public OptionalInt total() {
            return OptionalInt.of(items);
        }

        @Override
        protected Object take(Duration timeout) {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            while (!current.hasNext()) {
                if (pendingError != null) {
                    Throwable e = pendingError;
                    delivered();
                    end();
                    throw Exceptions.rethrow(e);
                }
                long left = Math.min(Timeouts.remaining(deadline), Timeouts.toNanos(timeout));
                Future<Chunks.ChunkResult> f = chunks.get(nextChunk);
                Chunks.ChunkResult r;
                try {
                    r = f.result(Timeouts.toDuration(left));
                } catch (TimeoutError e) {
                    if (Timeouts.remaining(deadline) > 0) {
                        throw e;
                    }
                    end();
                    throw e;
                } catch (RuntimeException | Error e) {
                    end();
                    throw e;
                }
                nextChunk++;
                current = r.values().iterator();
                pendingError = r.error();
            }
            delivered();
            return current.next();
        }

        @Override
        protected void cancelRest() {
            end();
        }

        private void end() {
            ended = true;
            for (int i = nextChunk; i < chunks.size(); i++) {
                chunks.get(i).cancel();
            }
        }
    }

    /**
     * The worker JVMs: the pool engine that runs them and what the executor adds to it, apart from the facade
     * so that an unreachable executor can be shut down.
     */
    private static final class Workers {
        final int maxWorkers;
        final Launcher launcher;
        final PoolEngine engine;
        /** Whether a check found that workers can be started (until then, each submit checks). */
        private volatile boolean startable;

        Workers(Builder b, Launcher launcher) {
            this.maxWorkers = b.maxWorkers;
            this.launcher = launcher;
            String kind = launcher.startMethod().equals("forkserver") ? "ForkServerProcess" : "SpawnProcess";
            PoolEngine.Death death = b.workerDeath == WorkerDeath.REPLACE ? PoolEngine.Death.REPLACE
                    : PoolEngine.Death.BREAK;
            this.engine = new PoolEngine(maxWorkers, kind, death, b.maxTasksPerChild, b.timeLimitNanos,
                    new JvmBackend(launcher, b.initializer, Limits.forWorker(b.softTimeLimitNanos),
                            b.maxMemoryPerChild, true));
        }

        <V> Future<V> submit(Object task) {
            return submit(task, Timeouts.FOREVER);
        }

        <V> Future<V> submit(Object task, long timeoutNanos) {
            if (!startable && !engine.isShutdown()) {
                launcher.checkStartable("the executor's workers"); // a later submit tries again
                startable = true;
            }
            PoolFuture<V> future = new PoolFuture<>();
            KeepAlive.begin();
            try {
                engine.submit(task, future, timeoutNanos);
            } catch (RuntimeException | Error e) {
                future.release();
                throw e;
            }
            return future;
        }

        void shutdown(boolean cancelFutures) {
            engine.shutdown(cancelFutures);
        }

        List<Runnable> shutdownNow() {
            List<PoolEngine.Task> never = engine.shutdownNow();
            for (Completion c : engine.running()) {
                ((PoolFuture<?>) c).cancel(true);
            }
            engine.shutdown(false);
            List<Runnable> out = new ArrayList<>(never.size());
            for (PoolEngine.Task t : never) {
                out.add(t.asRunnable());
            }
            return out;
        }

        void unreachable() {
            engine.shutdown(false);
        }

        boolean isShutdown() {
            return engine.isShutdown();
        }

        boolean isTerminated() {
            return engine.isTerminated();
        }

        boolean awaitTermination(long nanos) throws InterruptedException {
            return engine.awaitTermination(nanos);
        }

        List<ProcessHandle> processes() {
            return engine.processes();
        }
    }

    /**
     * A task's future and its {@link Completion}: {@code cancel(true)} while it runs kills its worker (which
     * is replaced).
     */
    private static final class PoolFuture<V> extends Future<V> implements Completion {
        private final AtomicBoolean released = new AtomicBoolean();
        private volatile PoolEngine.Task task; // set when the task goes to a worker

        /** Ends this task's hold on the JVM ({@link KeepAlive}); once, whichever way the task ended. */
        void release() {
            if (released.compareAndSet(false, true)) {
                KeepAlive.end();
            }
        }

        @Override
        public boolean start(PoolEngine.Task t) {
            if (!setRunningOrNotifyCancel()) {
                release();
                return false;
            }
            task = t;
            return true;
        }

        @Override
        @SuppressWarnings("unchecked")
        public void finish(Object value, Throwable error) {
            complete((V) value, error);
            release();
        }

        @Override
        public void drop(boolean started) {
            cancel();
            if (!started) {
                setRunningOrNotifyCancel();
            }
            release();
        }

        @Override
        boolean canStopRunning() {
            return task != null;
        }

        @Override
        void stopRunning() {
            task.stop();
            release();
        }
    }
}
