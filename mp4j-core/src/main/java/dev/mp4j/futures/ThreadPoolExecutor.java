package dev.mp4j.futures;

import dev.mp4j.InterruptedError;
import dev.mp4j.function.SerializableCallable;
import dev.mp4j.function.SerializableFunction;
import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.internal.pool.Limits;
import dev.mp4j.internal.util.KeepAlive;
import dev.mp4j.internal.util.LazyLogger;
import dev.mp4j.internal.util.Timeouts;

import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Python's {@code concurrent.futures.ThreadPoolExecutor}: runs tasks on a pool of at most
 * {@code maxWorkers} threads.
 *
 * <p>Workers start lazily, one per submit, until {@code maxWorkers}; an idle worker is reused before a new
 * one starts. Workers are named {@code prefix_N}, the prefix being {@code threadNamePrefix} or
 * {@code ThreadPoolExecutor-K}. An initializer runs once in every worker before its first task; if it
 * throws, the pool is broken: pending tasks fail and later submits throw {@link BrokenThreadPool}.
 *
 * <p>As in Python, the JVM does not exit while submitted work is pending, even after the main thread has
 * returned and even when {@link #shutdown(boolean) shutdown(false)} was called; an idle pool never holds
 * the JVM open. A pool that becomes unreachable is shut down (its workers finish the queued work and exit).
 *
 * <p>{@code cancel(true)} on a running task's future interrupts its worker thread and cancels the future.
 *
 * <p>For example:
 * {@snippet :
 * try (var executor = new ThreadPoolExecutor(4)) {
 *     Future<Integer> future = executor.submit(() -> 6 * 7);
 *     System.out.println(future.result());                     // 42
 *     for (int square : executor.map((Integer x) -> x * x, List.of(1, 2, 3))) {
 *         System.out.println(square);                          // 1, 4, 9: in order
 *     }
 * }                                                            // close() waits for the workers
 * }
 *
 * @since 0.1
 */
public class ThreadPoolExecutor implements Executor {
    private static final System.Logger LOG = LazyLogger.of("dev.mp4j.futures");
    private static final AtomicInteger POOLS = new AtomicInteger();
    private static final Cleaner CLEANER = Cleaner.create();

    private final Workers workers;

    /** A pool of {@code min(32, cpuCount + 4)} threads. */
    public ThreadPoolExecutor() {
        this(builder());
    }

    /**
     * @param maxWorkers the most threads the pool runs at once
     * @throws IllegalArgumentException if {@code maxWorkers <= 0}
     */
    public ThreadPoolExecutor(int maxWorkers) {
        this(builder().maxWorkers(maxWorkers));
    }

    // The Cleaner keeps only a phantom reference to this; no method of a subclass can run on it.
    @SuppressWarnings("this-escape")
    private ThreadPoolExecutor(Builder b) {
        String prefix = b.threadNamePrefix != null ? b.threadNamePrefix : "ThreadPoolExecutor-" + POOLS.getAndIncrement();
        this.workers = new Workers(b.maxWorkers, prefix, b.initializer, b.virtualThreads);
        CLEANER.register(this, workers::unreachable);
    }

    /** @return a builder for the keyword arguments: maxWorkers, threadNamePrefix, initializer, virtualThreads */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the most threads this pool runs at once */
    public int maxWorkers() {
        return workers.maxWorkers;
    }

    @Override
    public <V> Future<V> submit(SerializableCallable<V> fn) {
        return workers.submit(fn);
    }

    /**
     * What the pool does now. {@code workers} are the threads alive, {@code busyWorkers} those running a
     * task; {@code workersLost} is always 0. Each count is exact when read, but they are read one after
     * another without stopping the pool, so a task that moves meanwhile may show in two of them or none.
     *
     * @return the pool's statistics
     */
    public ExecutorStats stats() {
        return workers.stats();
    }

    @Override
    public <T> Future<T> submit(Callable<T> task) {
        return workers.submit(task);
    }

    @Override
    public <T, R> ResultIterator<R> map(SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items,
                                        Duration timeout, int chunksize) {
        Objects.requireNonNull(fn, "fn");
        Objects.requireNonNull(items, "items");
        Limits.atLeastOne("chunksize", chunksize);
        long start = System.nanoTime();
        List<T> args = new ArrayList<>();
        items.forEach(args::add);
        List<Future<R>> fs = new ArrayList<>(args.size());
        try {
            for (T item : args) {
                fs.add(workers.submit(() -> fn.apply(item)));
            }
        } catch (RuntimeException | Error e) {
            fs.forEach(Future::cancel);
            throw e;
        }
        return new Tasks.MapResults<>(fs, timeout, start);
    }

    @Override
    public void shutdown(boolean wait, boolean cancelFutures) {
        workers.shutdown(cancelFutures, false);
        if (wait) {
            workers.joinWorkers();
        }
    }

    /**
     * The JDK's shutdownNow: no new tasks, the tasks not yet started are cancelled and returned, and the
     * running ones are interrupted.
     */
    @Override
    public List<Runnable> shutdownNow() {
        return workers.shutdown(true, true);
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
        return workers.awaitTermination(unit.toNanos(timeout));
    }

    @Override
    public String toString() {
        return "<ThreadPoolExecutor " + workers.prefix + " maxWorkers=" + workers.maxWorkers
                + (workers.isShutdown() ? " shutdown" : "") + ">";
    }

    /** The keyword arguments of {@link ThreadPoolExecutor}. */
    public static final class Builder {
        private int maxWorkers = Math.min(32, Runtime.getRuntime().availableProcessors() + 4);
        private String threadNamePrefix;
        private SerializableRunnable initializer;
        private boolean virtualThreads;

        private Builder() {}

        /**
         * @param maxWorkers the most threads the pool runs at once; default {@code min(32, cpuCount + 4)}
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
         * @param prefix the worker names' prefix (workers are {@code prefix_0}, {@code prefix_1} ...);
         *     null for the default {@code ThreadPoolExecutor-K}
         * @return this builder
         */
        public Builder threadNamePrefix(String prefix) {
            this.threadNamePrefix = prefix;
            return this;
        }

        /**
         * @param initializer run once in every worker before its first task; null for none
         * @return this builder
         */
        public Builder initializer(SerializableRunnable initializer) {
            this.initializer = initializer;
            return this;
        }

        /**
         * @param virtual run tasks on virtual threads instead of platform threads
         * @return this builder
         */
        public Builder virtualThreads(boolean virtual) {
            this.virtualThreads = virtual;
            return this;
        }

        /** @return the pool */
        public ThreadPoolExecutor build() {
            return new ThreadPoolExecutor(this);
        }
    }

    /**
     * The worker threads, their work queue and the pool's lifecycle, kept apart from the
     * {@link ThreadPoolExecutor} facade so that workers do not keep the facade reachable: when it becomes
     * unreachable the pool shuts down, as CPython's weakref callback does.
     *
     * <p>{@code lock} guards {@code threads}, {@code shutdown}, {@code broken} and {@code alive}; the queue
     * is thread-safe by itself. A {@link #SENTINEL} in the queue means "shut down": a worker that takes it
     * puts it back for the next and exits. {@code idle} counts the workers that finished a task and may be
     * reused (CPython's {@code _idle_semaphore}); a submit takes a permit instead of starting a thread. The
     * count is approximate, as in CPython: a worker that finds more work after releasing its permit is busy
     * while its permit stands.
     */
    private static final class Workers {
        private static final Task<?> SENTINEL = new Task<>(() -> null, null);

        final int maxWorkers;
        final String prefix;
        private final SerializableRunnable initializer;
        private final boolean virtual;
        private final BlockingQueue<Task<?>> queue = new LinkedBlockingQueue<>();
        private final Semaphore idle = new Semaphore(0);
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition terminated = lock.newCondition();
        private final List<Thread> threads = new ArrayList<>();
        private final Counts counts = new Counts();
        private int alive;
        private boolean shutdown;
        private Throwable broken;

        Workers(int maxWorkers, String prefix, SerializableRunnable initializer, boolean virtual) {
            this.maxWorkers = maxWorkers;
            this.prefix = prefix;
            this.initializer = initializer;
            this.virtual = virtual;
        }

        <V> Future<V> submit(Callable<V> fn) {
            Objects.requireNonNull(fn, "fn");
            lock.lock();
            try {
                if (broken != null) {
                    throw brokenError();
                }
                if (shutdown) {
                    throw new RejectedExecutionException("cannot schedule new futures after shutdown");
                }
                Task<V> task = new Task<>(fn, counts);
                KeepAlive.begin();
                queue.add(task);
                adjustThreadCount();
                return task;
            } finally {
                lock.unlock();
            }
        }

        private BrokenThreadPool brokenError() {
            return new BrokenThreadPool("A thread initializer failed, the thread pool is not usable anymore", broken);
        }

        private void adjustThreadCount() {
            if (idle.tryAcquire()) {
                return;
            }
            if (threads.size() < maxWorkers) {
                String name = prefix + "_" + threads.size();
                Thread t = virtual
                        ? Thread.ofVirtual().name(name).unstarted(this::work)
                        : Thread.ofPlatform().name(name).daemon(true).unstarted(this::work);
                threads.add(t);
                alive++;
                t.start();
            }
        }

        private void work() {
            try {
                if (initializer != null) {
                    try {
                        initializer.run();
                    } catch (Throwable t) {
                        LOG.log(System.Logger.Level.ERROR, "Exception in initializer:", t);
                        initializerFailed(t);
                        return;
                    }
                }
                while (true) {
                    Task<?> task = queue.poll();
                    if (task == null) {
                        task = take();
                    }
                    if (task == SENTINEL) {
                        queue.add(SENTINEL);
                        return;
                    }
                    try {
                        task.run(idle::release);
                    } catch (Throwable t) {
                        // only a future whose state was forced from outside (setResult on a queued task) gets here
                        LOG.log(System.Logger.Level.WARNING, "task in unexpected state, skipped: " + task, t);
                    }
                }
            } finally {
                lock.lock();
                try {
                    if (--alive == 0) {
                        terminated.signalAll();
                    }
                } finally {
                    lock.unlock();
                }
            }
        }

        /** Blocks for the next task; an interrupt (from shutdownNow) only makes it look again. */
        private Task<?> take() {
            while (true) {
                try {
                    return queue.take();
                } catch (InterruptedException e) {
                    // shutdownNow interrupts every worker; it also queues the sentinel, which we will take.
                }
            }
        }

        private void initializerFailed(Throwable cause) {
            lock.lock();
            try {
                if (broken == null) {
                    broken = cause;
                }
                for (Task<?> t; (t = queue.poll()) != null; ) {
                    if (t == SENTINEL) {
                        queue.add(SENTINEL);
                        break;
                    }
                    t.fail(brokenError());
                }
            } finally {
                lock.unlock();
            }
        }

        List<Runnable> shutdown(boolean cancelFutures, boolean interrupt) {
            List<Runnable> cancelled = new ArrayList<>();
            List<Thread> toInterrupt;
            lock.lock();
            try {
                shutdown = true;
                if (cancelFutures) {
                    for (Task<?> t; (t = queue.poll()) != null; ) {
                        if (t != SENTINEL) {
                            t.cancelPending();
                            cancelled.add(t);
                        }
                    }
                }
                queue.add(SENTINEL);
                toInterrupt = interrupt ? List.copyOf(threads) : List.of();
            } finally {
                lock.unlock();
            }
            for (Thread t : toInterrupt) {
                t.interrupt();
            }
            return cancelled;
        }

        void unreachable() {
            shutdown(false, false);
        }

        ExecutorStats stats() {
            long queued = 0;
            long waitingCancelled = 0;
            for (Task<?> t : queue) {
                if (t == SENTINEL) {
                    continue;
                }
                if (t.cancelled()) {
                    waitingCancelled++; // counted as cancelled once a worker takes it
                } else {
                    queued++;
                }
            }
            int threadsAlive;
            long started;
            lock.lock();
            try {
                threadsAlive = alive;
                started = threads.size();
            } finally {
                lock.unlock();
            }
            int busy = counts.running.get();
            return new ExecutorStats(threadsAlive, busy, queued, busy, counts.completed.sum(), counts.failed.sum(),
                    counts.cancelled.sum() + waitingCancelled, started, 0);
        }

        void joinWorkers() {
            List<Thread> snapshot;
            lock.lock();
            try {
                snapshot = List.copyOf(threads);
            } finally {
                lock.unlock();
            }
            for (Thread t : snapshot) {
                if (t == Thread.currentThread()) {
                    continue; // a task that shuts down its own pool cannot wait for itself
                }
                try {
                    t.join();
                } catch (InterruptedException e) {
                    throw InterruptedError.restore(e);
                }
            }
        }

        boolean isShutdown() {
            lock.lock();
            try {
                return shutdown;
            } finally {
                lock.unlock();
            }
        }

        boolean isTerminated() {
            lock.lock();
            try {
                return shutdown && alive == 0;
            } finally {
                lock.unlock();
            }
        }

        boolean awaitTermination(long nanos) throws InterruptedException {
            lock.lock();
            try {
                while (!(shutdown && alive == 0)) {
                    if (nanos <= 0) {
                        return false;
                    }
                    nanos = nanos == Timeouts.FOREVER ? awaitForever() : terminated.awaitNanos(nanos);
                }
                return true;
            } finally {
                lock.unlock();
            }
        }

        private long awaitForever() throws InterruptedException {
            terminated.await();
            return Timeouts.FOREVER;
        }
    }

    /** What {@link ExecutorStats} counts of a thread pool's tasks. */
    private static final class Counts {
        final AtomicInteger running = new AtomicInteger();
        final LongAdder completed = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder cancelled = new LongAdder();
    }

    /**
     * A submitted call and its future in one object (CPython's {@code _WorkItem}). {@code runner} is the
     * thread running the call, set under {@code this} monitor so that {@code cancel(true)} interrupts only
     * while the call runs. Every task ends its {@link KeepAlive} unit exactly once: when it ran, or when it
     * was cancelled or failed without running.
     */
    private static final class Task<V> extends Future<V> implements Runnable {
        private final Counts counts;
        private Callable<V> fn;     // cleared after the run: the pool keeps no reference to the call's state
        private Thread runner;      // guarded by this

        Task(Callable<V> fn, Counts counts) {
            this.fn = fn;
            this.counts = counts;
        }

        /** Runs the call if it was not cancelled (for {@link #shutdownNow}'s list: run it yourself). */
        @Override
        public void run() {
            run(() -> { });
        }

        /**
         * @param idle called once the call is over and before its outcome is published: the worker counts
         *     as idle from then on, so a caller that submits again as soon as {@code result()} returns finds
         *     it idle instead of starting another thread
         */
        void run(Runnable idle) {
            Callable<V> call = fn;
            synchronized (this) {
                runner = Thread.currentThread();
            }
            try {
                if (!setRunningOrNotifyCancel()) {
                    if (call != null) { // else cancelPending counted it (shutdownNow's list, run by the caller)
                        counts.cancelled.increment();
                    }
                    idle.run();
                    return;
                }
                V value;
                counts.running.incrementAndGet();
                try {
                    value = call.call();
                } catch (Throwable t) {
                    idle.run();
                    finish(null, t, counts.failed);
                    return;
                }
                idle.run();
                finish(value, null, counts.completed);
            } finally {
                synchronized (this) {
                    runner = null;
                }
                Thread.interrupted(); // an interrupt meant for this call must not leak into the next one
                fn = null;
                KeepAlive.end();
            }
        }

        /**
         * Counts the call's outcome, then publishes it: a caller that sees the result sees it counted. A
         * cancel(true) that won the race is counted as a cancel instead.
         */
        private void finish(V value, Throwable error, LongAdder outcome) {
            outcome.increment();
            counts.running.decrementAndGet();
            if (!complete(value, error)) {
                outcome.decrement();
                counts.cancelled.increment();
            }
        }

        void cancelPending() {
            cancel();
            setRunningOrNotifyCancel();
            counts.cancelled.increment();
            fn = null;
            KeepAlive.end();
        }

        void fail(RuntimeException e) {
            (complete(null, e) ? counts.failed : counts.cancelled).increment();
            fn = null;
            KeepAlive.end();
        }

        @Override
        boolean canStopRunning() {
            return true;
        }

        @Override
        void stopRunning() {
            synchronized (this) {
                if (runner != null) {
                    runner.interrupt();
                }
            }
        }
    }
}
