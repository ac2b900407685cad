package dev.mp4j.futures;

import dev.mp4j.InterruptedError;
import dev.mp4j.function.SerializableCallable;
import dev.mp4j.function.SerializableFunction;
import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.internal.pool.PoolWire;
import dev.mp4j.internal.pool.WorkerJob;
import dev.mp4j.internal.spawn.ChildJvm;
import dev.mp4j.internal.spawn.ExitCodes;
import dev.mp4j.internal.spawn.Launcher;
import dev.mp4j.internal.spawn.ProcessHooks;
import dev.mp4j.internal.util.KeepAlive;
import dev.mp4j.internal.util.SingleUseIterator;
import dev.mp4j.internal.util.Timeouts;
import dev.mp4j.internal.wire.Codec;
import dev.mp4j.multiprocessing.Context;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.ProcessError;

import java.io.IOException;
import java.io.NotSerializableException;
import java.io.Serializable;
import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Python's {@code concurrent.futures.ProcessPoolExecutor}: runs tasks in a pool of worker JVMs.
 *
 * <p>Data flow (compare CPython's process.py): {@code submit} serializes the task in the caller's thread
 * (a task that cannot be serialized fails its own future) and queues it; the pool assigns queued tasks to
 * idle workers, one task per worker, and sends each over that worker's control channel; a reader per
 * worker completes the futures as results come back and assigns the next. So the parent always knows
 * which task each worker runs.
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
 * <p>As in Python, the JVM does not exit while submitted work is pending; workers end with this JVM.
 */
public class ProcessPoolExecutor implements Executor {
    private static final Cleaner CLEANER = Cleaner.create();

    private final Pool pool;

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
        Context ctx = b.context != null ? b.context : Multiprocessing.getContext();
        if (!(ctx instanceof Launcher launcher)) {
            throw new IllegalArgumentException("context must be one made by Multiprocessing.getContext(...), got "
                    + ctx.getClass().getName());
        }
        this.pool = new Pool(b.maxWorkers, launcher, b.initializer, b.maxTasksPerChild);
        CLEANER.register(this, pool::unreachable);
    }

    /** @return a builder for the keyword arguments: maxWorkers, context, initializer, maxTasksPerChild */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the number of worker JVMs */
    public int maxWorkers() {
        return pool.maxWorkers;
    }

    /** @return the live worker processes (those booting included, once their OS process exists) */
    public List<ProcessHandle> processes() {
        return pool.processes();
    }

    @Override
    public <V> Future<V> submit(SerializableCallable<V> fn) {
        Objects.requireNonNull(fn, "fn");
        return pool.submit(fn);
    }

    @Override
    public Future<?> submit(SerializableRunnable fn) {
        Objects.requireNonNull(fn, "fn");
        return pool.submit(Tasks.withResult(fn, null));
    }

    /** {@inheritDoc} The callable must be serializable: its future fails if it cannot be sent. */
    @Override
    public <T> Future<T> submit(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        return pool.submit(task);
    }

    /** {@inheritDoc} The runnable must be serializable: its future fails if it cannot be sent. */
    @Override
    public Future<?> submit(Runnable task) {
        Objects.requireNonNull(task, "task");
        return pool.submit(Tasks.withResult(task, null));
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
        if (chunksize < 1) {
            throw new IllegalArgumentException("chunksize must be >= 1, got " + chunksize);
        }
        long start = System.nanoTime();
        SerializableFunction<Object, Object> f = (SerializableFunction<Object, Object>) (SerializableFunction<?, ?>) fn;
        List<Future<PoolWire.ChunkResult>> chunks = new ArrayList<>();
        List<Object> chunk = new ArrayList<>(chunksize);
        try {
            for (T item : items) {
                chunk.add(item);
                if (chunk.size() == chunksize) {
                    chunks.add(pool.submit(new PoolWire.Chunk(f, chunk)));
                    chunk = new ArrayList<>(chunksize);
                }
            }
            if (!chunk.isEmpty()) {
                chunks.add(pool.submit(new PoolWire.Chunk(f, chunk)));
            }
        } catch (RuntimeException | Error e) {
            chunks.forEach(Future::cancel);
            throw e;
        }
        return (ResultIterator<R>) new ChunkedResults(chunks, Timeouts.toNanos(timeout), start);
    }

    @Override
    public void shutdown(boolean wait) {
        shutdown(wait, false);
    }

    @Override
    public void shutdown(boolean wait, boolean cancelFutures) {
        pool.shutdown(cancelFutures);
        if (wait) {
            try {
                pool.awaitTermination(Timeouts.FOREVER);
            } catch (InterruptedException e) {
                throw InterruptedError.restore(e);
            }
        }
    }

    @Override
    public void shutdown() {
        shutdown(false, false);
    }

    @Override
    public void close() {
        shutdown(true, false);
    }

    /**
     * The JDK's shutdownNow: no new tasks; the tasks not yet started are cancelled and returned; running
     * ones are cancelled and their workers killed.
     */
    @Override
    public List<Runnable> shutdownNow() {
        return pool.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
        return pool.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return pool.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return pool.awaitTermination(Math.max(0, unit.toNanos(timeout)));
    }

    @Override
    public String toString() {
        return "<ProcessPoolExecutor " + pool.launcher.startMethod() + " maxWorkers=" + pool.maxWorkers
                + (pool.isShutdown() ? " shutdown" : "") + ">";
    }

    /** The keyword arguments of {@link ProcessPoolExecutor}. */
    public static final class Builder {
        private int maxWorkers = Multiprocessing.cpuCount();
        private Context context;
        private SerializableRunnable initializer;
        private int maxTasksPerChild;

        private Builder() {}

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
            if (maxTasksPerChild < 1) {
                throw new IllegalArgumentException("maxTasksPerChild must be >= 1, got " + maxTasksPerChild);
            }
            this.maxTasksPerChild = maxTasksPerChild;
            return this;
        }

        /** @return the pool */
        public ProcessPoolExecutor build() {
            return new ProcessPoolExecutor(this);
        }
    }

    /** Flattens chunk results into {@code map}'s iterator; raises a call's exception at its item. */
    private static final class ChunkedResults extends SingleUseIterator<Object> {
        private final List<Future<PoolWire.ChunkResult>> chunks;
        private final long deadline;
        private int nextChunk;
        private Iterator<Object> current = java.util.Collections.emptyIterator();
        private Throwable pendingError;
        private boolean ended;

        ChunkedResults(List<Future<PoolWire.ChunkResult>> chunks, long timeoutNanos, long start) {
            this.chunks = chunks;
            long d = start + timeoutNanos;
            this.deadline = timeoutNanos == Timeouts.FOREVER || d - start < 0 ? Timeouts.FOREVER : d;
        }

        @Override
        public boolean hasNext() {
            return !ended && (current.hasNext() || pendingError != null || nextChunk < chunks.size());
        }

        @Override
        public Object next(Duration timeout) {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            while (!current.hasNext()) {
                if (pendingError != null) {
                    Throwable e = pendingError;
                    end();
                    throw Future.rethrow(e);
                }
                long left = Math.min(Timeouts.remaining(deadline), Timeouts.toNanos(timeout));
                Future<PoolWire.ChunkResult> f = chunks.get(nextChunk);
                PoolWire.ChunkResult r;
                try {
                    r = f.result(left == Timeouts.FOREVER ? null : Duration.ofNanos(left));
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
            return current.next();
        }

        private void end() {
            ended = true;
            for (int i = nextChunk; i < chunks.size(); i++) {
                chunks.get(i).cancel();
            }
        }
    }

    /**
     * The pool proper, apart from the facade so that an unreachable executor can be shut down.
     *
     * <p>{@code lock} guards every field below and every {@link Worker}'s fields. Frames are sent outside
     * the lock (a large task must not block the pool), in the order they were decided.
     */
    private static final class Pool {
        /**
         * Tasks a worker holds at once. One: a task sent to a worker is the one it runs, so cancel(true)
         * kills exactly the running task, and a dead worker never held tasks it had not started.
         */
        private static final int PREFETCH = 1;
        private static final long PROCESS_WAIT_SECONDS = 30;

        final int maxWorkers;
        final Launcher launcher;
        private final SerializableRunnable initializer;
        private final int maxTasksPerChild;
        private final String workerKind;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition terminated = lock.newCondition();
        private final ArrayDeque<Item> pending = new ArrayDeque<>();
        private final List<Worker> workers = new ArrayList<>();
        private boolean started;
        private boolean shutdown;
        private BrokenProcessPool broken;
        private long nextId;

        Pool(int maxWorkers, Launcher launcher, SerializableRunnable initializer, int maxTasksPerChild) {
            this.maxWorkers = maxWorkers;
            this.launcher = launcher;
            this.initializer = initializer;
            this.maxTasksPerChild = maxTasksPerChild;
            this.workerKind = launcher.startMethod().equals("forkserver") ? "ForkServerProcess" : "SpawnProcess";
        }

        <V> Future<V> submit(Object task) {
            PoolFuture<V> future = new PoolFuture<>(this);
            byte[] bytes;
            try {
                if (!(task instanceof Serializable)) {
                    throw new NotSerializableException(task.getClass().getName());
                }
                bytes = Codec.encode(task);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                // as in CPython, a task that cannot be serialized fails its own future
                checkAccepting();
                future.setException(new IllegalArgumentException("cannot send the task to a worker JVM: "
                        + (e instanceof NotSerializableException ? "class " + e.getMessage() + " is not serializable "
                        + "(a lambda must target a dev.mp4j.function type, and what it captures must be serializable)"
                        : e.toString()), e));
                return future;
            }
            List<Send> sends;
            lock.lock();
            try {
                checkAccepting();
                Item item = new Item(nextId++, future, bytes);
                KeepAlive.begin();
                pending.add(item);
                if (!started) {
                    started = true;
                    for (int i = 0; i < maxWorkers; i++) {
                        startWorker();
                    }
                }
                sends = assign();
            } finally {
                lock.unlock();
            }
            send(sends);
            return future;
        }

        private void checkAccepting() {
            lock.lock();
            try {
                if (broken != null) {
                    throw new BrokenProcessPool(broken.getMessage(), broken.getCause());
                }
                if (shutdown) {
                    throw new RejectedExecutionException("cannot schedule new futures after shutdown");
                }
            } finally {
                lock.unlock();
            }
        }

        // ------------------------------------------------------------ workers (lock held unless noted)

        private void startWorker() {
            Worker w = new Worker(ProcessHooks.get().newChildName(workerKind));
            workers.add(w);
            Thread.ofVirtual().name("mp4j-pool-" + w.name).start(() -> runWorker(w));
        }

        /** The life of one worker, on its own virtual thread: boot, serve, exit. No lock held on entry. */
        private void runWorker(Worker w) {
            ChildJvm jvm;
            try {
                jvm = launcher.obtain(p -> w.process.complete(p));
                jvm.sendJob(Codec.encode(new WorkerJob(w.name, initializer)));
            } catch (IOException | RuntimeException e) {
                w.process.complete(null);
                workerGone(w, null, "worker " + w.name + " could not be started: " + e.getMessage(), e);
                return;
            }
            List<Send> sends;
            lock.lock();
            try {
                w.jvm = jvm;
                if (w.killed || broken != null) {
                    jvm.process().destroyForcibly();
                    sends = List.of();
                } else {
                    w.ready = true;
                    sends = assign();
                }
            } finally {
                lock.unlock();
            }
            send(sends);
            int code = ExitCodes.readUntilExit(jvm, frame -> onFrame(w, frame));
            jvm.release();
            workerGone(w, code, null, null);
        }

        private void onFrame(Worker w, byte[] frame) {
            try {
                handleFrame(w, frame);
            } catch (Throwable t) {
                // a bug or an exhausted JVM here must not end the worker's reader: that would hang the pool
                System.getLogger("dev.mp4j.futures").log(System.Logger.Level.ERROR,
                        "ProcessPoolExecutor: cannot handle a frame from " + w.name, t);
                w.destroy();
            }
        }

        private void handleFrame(Worker w, byte[] frame) {
            if (frame[0] == PoolWire.RESULT) {
                onResult(w, frame);
            } else if (frame[0] == PoolWire.INIT_FAILED) {
                Throwable cause = decodeThrowable(java.util.Arrays.copyOfRange(frame, 1, frame.length));
                lock.lock();
                try {
                    w.initFailed = cause;
                } finally {
                    lock.unlock();
                }
            }
        }

        private void onResult(Worker w, byte[] frame) {
            long id = PoolWire.id(frame);
            boolean failed = PoolWire.isFailure(frame);
            Object value = null;
            Throwable error = null;
            try {
                Object decoded = Codec.decode(PoolWire.resultBody(frame), null);
                if (failed) {
                    error = (Throwable) decoded;
                } else {
                    value = decoded;
                }
            } catch (ClassNotFoundException e) {
                error = new ProcessError("cannot load class " + e.getMessage() + " of the "
                        + (failed ? "exception raised by" : "result of") + " task " + id + " in this JVM", e);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                error = new ProcessError("cannot read the " + (failed ? "exception raised by" : "result of")
                        + " task " + id + ": " + e, e);
            }
            Item item;
            List<Send> sends;
            lock.lock();
            try {
                item = w.inflight.remove(id);
                sends = assign();
            } finally {
                lock.unlock();
            }
            if (item != null) {
                item.finish(value, error);
            }
            send(sends);
        }

        /** A worker's JVM ended (code) or never started (message). No lock held on entry. */
        private void workerGone(Worker w, Integer code, String message, Throwable cause) {
            List<Item> failed = new ArrayList<>();
            List<Worker> toKill = new ArrayList<>();
            BrokenProcessPool error = null;
            List<Send> sends = List.of();
            lock.lock();
            try {
                workers.remove(w);
                if (broken != null) {
                    w.inflight.clear(); // the pool broke earlier and failed these already
                } else if (w.quitting && w.inflight.isEmpty() && message == null) {
                    sends = assign(); // a planned exit (shutdown or maxTasksPerChild)
                } else if (w.killed) {
                    // killed by cancel(true)/shutdownNow: its unstarted tasks go back to the queue
                    for (Item it : w.inflight.values()) {
                        if (!it.future.done()) {
                            pending.addFirst(it);
                        }
                    }
                    w.inflight.clear();
                    if (!shutdown || !pending.isEmpty()) {
                        startWorker();
                    }
                    sends = assign();
                } else {
                    String why = w.initFailed != null
                            ? "A process initializer failed, the process pool is not usable anymore"
                            : message != null ? message
                            : "A process in the process pool was terminated abruptly while the future was running "
                              + "or pending (worker " + w.name + ", pid " + w.pid() + ", exit code " + code + ")";
                    broken = new BrokenProcessPool(why, w.initFailed != null ? w.initFailed : cause);
                    error = broken;
                    failed.addAll(w.inflight.values());
                    w.inflight.clear();
                    for (Worker other : workers) {
                        failed.addAll(other.inflight.values());
                        other.inflight.clear();
                        other.killed = true;
                        toKill.add(other);
                    }
                    failed.addAll(pending);
                    pending.clear();
                }
                if (workers.isEmpty()) {
                    terminated.signalAll();
                }
            } finally {
                lock.unlock();
            }
            for (Item it : failed) {
                it.finish(null, new BrokenProcessPool(error.getMessage(), error.getCause()));
            }
            for (Worker k : toKill) {
                k.destroy();
            }
            send(sends);
        }

        /**
         * Moves pending tasks to idle workers; tells workers to quit when they reached maxTasksPerChild or
         * the pool is shut down and idle.
         */
        private List<Send> assign() {
            List<Send> out = new ArrayList<>();
            for (int level = 1; level <= PREFETCH && !pending.isEmpty(); level++) {
                for (Worker w : workers) {
                    while (!pending.isEmpty() && w.canTake(level, maxTasksPerChild)) {
                        Item it = pending.poll();
                        if (!it.startedOnce && !it.future.setRunningOrNotifyCancel()) {
                            it.future.release();
                            continue;
                        }
                        it.startedOnce = true;
                        it.future.worker = w;
                        w.inflight.put(it.id, it);
                        w.dispatched++;
                        out.add(new Send(w, PoolWire.task(it.id, it.task)));
                    }
                }
            }
            for (Worker w : List.copyOf(workers)) {
                if (w.ready && !w.quitting && w.inflight.isEmpty()) {
                    boolean spent = maxTasksPerChild > 0 && w.dispatched >= maxTasksPerChild;
                    if (spent || (shutdown && pending.isEmpty())) {
                        w.quitting = true;
                        out.add(new Send(w, PoolWire.quit()));
                        if (spent && (!shutdown || !pending.isEmpty())) {
                            startWorker();
                        }
                    }
                }
            }
            return out;
        }

        private void send(List<Send> sends) {
            for (Send s : sends) {
                try {
                    s.worker.jvm.channel().send(s.frame);
                } catch (IOException e) {
                    // the worker is dying; its reader reports the death and fails what it held
                }
            }
        }

        private static Throwable decodeThrowable(byte[] body) {
            try {
                return (Throwable) Codec.decode(body, null);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                return new ProcessError("cannot read the exception a worker sent: " + e, e);
            }
        }

        // ------------------------------------------------------------ cancel(true) of a running task

        boolean stopTask(PoolFuture<?> f) {
            Worker w;
            lock.lock();
            try {
                w = f.worker;
                if (w == null || w.killed) {
                    return false;
                }
                w.killed = true;
                w.inflight.values().removeIf(it -> it.future == f);
            } finally {
                lock.unlock();
            }
            w.destroy();
            return true;
        }

        // ------------------------------------------------------------ shutdown

        void shutdown(boolean cancelFutures) {
            List<Item> cancelled = new ArrayList<>();
            List<Send> sends;
            lock.lock();
            try {
                shutdown = true;
                if (cancelFutures) {
                    cancelled.addAll(pending);
                    pending.clear();
                }
                sends = assign();
                if (workers.isEmpty()) {
                    terminated.signalAll();
                }
            } finally {
                lock.unlock();
            }
            for (Item it : cancelled) {
                it.cancelPending();
            }
            send(sends);
        }

        List<Runnable> shutdownNow() {
            List<Item> cancelled = new ArrayList<>();
            List<PoolFuture<?>> running = new ArrayList<>();
            lock.lock();
            try {
                shutdown = true;
                cancelled.addAll(pending);
                pending.clear();
                for (Worker w : workers) {
                    for (Item it : w.inflight.values()) {
                        running.add(it.future);
                    }
                }
            } finally {
                lock.unlock();
            }
            List<Runnable> never = new ArrayList<>();
            for (Item it : cancelled) {
                it.cancelPending();
                never.add(it.asRunnable());
            }
            for (PoolFuture<?> f : running) {
                f.cancel(true);
            }
            shutdown(false);
            return never;
        }

        void unreachable() {
            shutdown(false);
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
                return shutdown && workers.isEmpty();
            } finally {
                lock.unlock();
            }
        }

        boolean awaitTermination(long nanos) throws InterruptedException {
            lock.lock();
            try {
                while (!(shutdown && workers.isEmpty())) {
                    if (nanos <= 0) {
                        return false;
                    }
                    if (nanos == Timeouts.FOREVER) {
                        terminated.await();
                    } else {
                        nanos = terminated.awaitNanos(nanos);
                    }
                }
                return true;
            } finally {
                lock.unlock();
            }
        }

        List<ProcessHandle> processes() {
            List<Worker> snapshot;
            lock.lock();
            try {
                snapshot = List.copyOf(workers);
            } finally {
                lock.unlock();
            }
            List<ProcessHandle> out = new ArrayList<>();
            for (Worker w : snapshot) {
                java.lang.Process p;
                try {
                    p = w.process.get(PROCESS_WAIT_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw InterruptedError.restore(e);
                } catch (Exception e) {
                    continue;
                }
                if (p != null && p.isAlive()) {
                    out.add(p.toHandle());
                }
            }
            return out;
        }

    }

    /** A frame to send to a worker. */
    private record Send(Worker worker, byte[] frame) {}

    /** A submitted task: its id, future and serialized form. */
    private static final class Item {
        final long id;
        final PoolFuture<?> future;
        final byte[] task;
        boolean startedOnce; // guarded by the pool lock: setRunningOrNotifyCancel was called

        Item(long id, PoolFuture<?> future, byte[] task) {
            this.id = id;
            this.future = future;
            this.task = task;
        }

        @SuppressWarnings("unchecked")
        void finish(Object value, Throwable error) {
            ((Future<Object>) future).complete(value, error);
            future.release();
        }

        void cancelPending() {
            future.cancel();
            if (!startedOnce) {
                future.setRunningOrNotifyCancel();
            }
            future.release();
        }

        /** The task, to run in this JVM (what shutdownNow returns for tasks that never started). */
        Runnable asRunnable() {
            return () -> {
                try {
                    Object t = Codec.decode(task, null);
                    if (t instanceof PoolWire.Chunk c) {
                        for (Object arg : c.args()) {
                            c.fn().apply(arg);
                        }
                    } else {
                        ((Callable<?>) t).call();
                    }
                } catch (RuntimeException | Error e) {
                    throw e;
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            };
        }
    }

    /** One worker JVM, as the parent sees it; fields guarded by the pool lock except where noted. */
    private static final class Worker {
        final String name;
        final CompletableFuture<java.lang.Process> process = new CompletableFuture<>(); // thread-safe
        final LinkedHashMap<Long, Item> inflight = new LinkedHashMap<>();
        ChildJvm jvm;
        int dispatched;
        boolean ready;
        boolean quitting;
        boolean killed;
        Throwable initFailed;

        Worker(String name) {
            this.name = name;
        }

        boolean canTake(int level, int maxTasks) {
            return ready && !quitting && !killed && inflight.size() < level
                    && (maxTasks == 0 || dispatched < maxTasks);
        }

        long pid() {
            java.lang.Process p = process.getNow(null);
            return p == null ? -1 : p.pid();
        }

        /** Kills the worker's JVM (no lock needed). */
        void destroy() {
            java.lang.Process p = process.getNow(null);
            if (p != null) {
                p.destroyForcibly();
            }
        }
    }

    /** A task's future: {@code cancel(true)} while it runs kills its worker (which is replaced). */
    private static final class PoolFuture<V> extends Future<V> {
        private final Pool pool;
        private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
        volatile Worker worker;

        /** Ends this task's hold on the JVM ({@link KeepAlive}); once, whichever way the task ended. */
        void release() {
            if (released.compareAndSet(false, true)) {
                KeepAlive.end();
            }
        }

        PoolFuture(Pool pool) {
            this.pool = pool;
        }

        @Override
        boolean canStopRunning() {
            return worker != null;
        }

        @Override
        void stopRunning() {
            pool.stopTask(this);
            release();
        }
    }
}
