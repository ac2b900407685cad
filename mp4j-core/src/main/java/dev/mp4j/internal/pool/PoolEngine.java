package dev.mp4j.internal.pool;

import dev.mp4j.multiprocessing.WorkerLostError;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The pool engine behind {@code ProcessPoolExecutor}, {@code Pool} and {@code ThreadPool}: a fixed number of
 * workers (JVMs or threads, as the {@link Backend} makes them), one task per worker at a time, so the engine
 * always knows which task each worker runs.
 * <pre>
 *   submit --prepare--&gt; pending --assign--&gt; worker.inflight --Link.send--&gt; worker
 *   worker --result--&gt; inflight.remove --&gt; Completion.finish ; assign the next
 * </pre>
 *
 * <p>Parameters: the number of workers; their name kind; whether they start at once ({@link #start()}) or
 * at the first submit; {@code maxTasksPerChild} (a worker that ran that many exits and a fresh one replaces
 * it); and the {@link Death} policy for a worker that ends abruptly.
 *
 * <p>States: running --shutdown--&gt; shut down (no new tasks; workers quit once nothing is pending)
 * --all workers gone--&gt; terminated. {@link #terminate} also kills the workers and fails what they held.
 * A pool broken under {@link Death#BREAK} (or by a failing initializer, or a worker that cannot boot) fails
 * everything pending and running and rejects new tasks.
 *
 * <p>{@code lock} guards every field below and every {@link Worker}'s mutable fields. Links are called
 * outside the lock (a large task must not block the pool), in the order the sends were decided.
 * {@link Completion#start} is called with the lock held; {@link Completion#finish} never is.
 */
public final class PoolEngine {
    /** What a worker that ends abruptly (a crash, a kill, System.exit in a task) does to the pool. */
    public enum Death {
        /** Python's ProcessPoolExecutor: the pool breaks; everything pending and running fails. */
        BREAK,
        /** Python's Pool (without its hang): the task the worker ran fails with WorkerLostError; a new worker replaces it. */
        REPLACE
    }

    private static final System.Logger LOG = System.getLogger("dev.mp4j.pool");
    private static final long PROCESS_WAIT_SECONDS = 30;

    private final int size;
    private final String kind;
    private final Death death;
    private final int maxTasksPerChild;
    private final Backend backend;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition terminated = lock.newCondition();
    private final ArrayDeque<Task> pending = new ArrayDeque<>();
    private final List<Worker> workers = new ArrayList<>();
    private boolean started;
    private boolean shutdown;
    private RuntimeException broken;
    private long nextId;

    /**
     * @param size the number of workers, at least 1
     * @param kind what the workers are called ("SpawnProcess", "SpawnPoolWorker" ...)
     * @param death what an abrupt worker death does
     * @param maxTasksPerChild tasks per worker before it is replaced; 0 for no limit
     * @param backend what the workers are
     */
    public PoolEngine(int size, String kind, Death death, int maxTasksPerChild, Backend backend) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be >= 1, got " + size);
        }
        this.size = size;
        this.kind = kind;
        this.death = death;
        this.maxTasksPerChild = maxTasksPerChild;
        this.backend = backend;
    }

    /** @return the number of workers */
    public int size() {
        return size;
    }

    /** Starts all the workers now, if they have not started yet (otherwise the first submit does). */
    public void start() {
        lock.lock();
        try {
            startAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues a task. A task that the backend cannot prepare (not serializable, say) fails its own completion
     * at once, in this thread.
     *
     * @param task the task: a Callable, or a chunk of {@link PoolWire}
     * @param completion told when the task starts and ends
     * @throws RejectedExecutionException after shutdown
     * @throws RuntimeException the backend's {@link Backend#broken} exception when the pool is broken
     */
    public void submit(Object task, Completion completion) {
        Object prepared;
        try {
            prepared = backend.prepare(task);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            // as in CPython, a task that cannot be sent fails its own result
            checkAccepting();
            completion.finish(null, backend.unsendable(e));
            return;
        }
        List<Send> sends;
        lock.lock();
        try {
            checkAccepting();
            pending.add(new Task(nextId++, completion, prepared));
            startAll();
            sends = assign();
        } finally {
            lock.unlock();
        }
        send(sends);
    }

    private void checkAccepting() {
        lock.lock();
        try {
            if (broken != null) {
                throw backend.broken(broken.getMessage(), broken.getCause());
            }
            if (shutdown) {
                throw new RejectedExecutionException("cannot schedule new futures after shutdown");
            }
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------ workers (lock held unless noted)

    private void startAll() {
        if (!started) {
            started = true;
            for (int i = 0; i < size; i++) {
                startWorker();
            }
        }
    }

    private void startWorker() {
        Worker w = new Worker(backend.newName(kind));
        workers.add(w);
        w.link = backend.start(w);
    }

    private void onReady(Worker w) {
        List<Send> sends;
        boolean kill;
        lock.lock();
        try {
            kill = w.killed || broken != null;
            if (kill) {
                w.killed = true;
                sends = List.of();
            } else {
                w.ready = true;
                sends = assign();
            }
        } finally {
            lock.unlock();
        }
        if (kill) {
            w.link.kill();
        }
        send(sends);
    }

    private void onInitFailed(Worker w, Throwable cause) {
        lock.lock();
        try {
            w.initFailed = cause;
        } finally {
            lock.unlock();
        }
    }

    private void onResult(Worker w, long id, Object value, Throwable error) {
        Task task;
        List<Send> sends;
        lock.lock();
        try {
            task = w.inflight.remove(id);
            sends = assign();
        } finally {
            lock.unlock();
        }
        if (task != null) {
            task.completion.finish(value, error);
        }
        send(sends);
    }

    /** A worker ended (code) or never started (message). No lock held on entry. */
    private void onGone(Worker w, Integer code, String message, Throwable cause) {
        List<Task> failed = new ArrayList<>();
        List<Worker> toKill = new ArrayList<>();
        RuntimeException error = null;
        RuntimeException lost = null;
        List<Send> sends = List.of();
        lock.lock();
        try {
            workers.remove(w);
            if (broken != null) {
                w.inflight.clear(); // the pool broke earlier and failed these already
            } else if (w.quitting && w.inflight.isEmpty() && message == null) {
                sends = assign(); // a planned exit (shutdown or maxTasksPerChild)
            } else if (w.killed) {
                // killed by a stop or a terminate: its unstarted tasks go back to the queue
                requeue(w);
                if (!shutdown || !pending.isEmpty()) {
                    startWorker();
                }
                sends = assign();
            } else if (death == Death.REPLACE && w.initFailed == null && message == null) {
                lost = new WorkerLostError("worker " + w.name + " (pid " + w.link.pid() + ") ended with exit code "
                        + code + " while it ran the task");
                Task running = w.inflight.isEmpty() ? null : w.inflight.values().iterator().next();
                if (running != null) {
                    w.inflight.remove(running.id);
                    failed.add(running);
                }
                requeue(w);
                if (!shutdown || !pending.isEmpty()) {
                    startWorker();
                }
                sends = assign();
            } else {
                String why = w.initFailed != null ? backend.initializerFailedMessage()
                        : message != null ? message
                        : "A process in the process pool was terminated abruptly while the future was running "
                          + "or pending (worker " + w.name + ", pid " + w.link.pid() + ", exit code " + code + ")";
                broken = backend.broken(why, w.initFailed != null ? w.initFailed : cause);
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
        for (Task t : failed) {
            t.completion.finish(null, lost != null ? lost : backend.broken(error.getMessage(), error.getCause()));
        }
        for (Worker k : toKill) {
            k.link.kill();
        }
        send(sends);
    }

    /** Puts back the tasks a gone worker held but had not finished, to go to another worker. */
    private void requeue(Worker w) {
        List<Task> back = new ArrayList<>(w.inflight.values());
        for (int i = back.size() - 1; i >= 0; i--) {
            pending.addFirst(back.get(i));
        }
        w.inflight.clear();
    }

    /**
     * Moves pending tasks to idle workers; tells workers to quit when they reached maxTasksPerChild or the
     * pool is shut down and idle.
     */
    private List<Send> assign() {
        List<Send> out = new ArrayList<>();
        for (Worker w : workers) {
            while (!pending.isEmpty() && w.canTake(maxTasksPerChild)) {
                Task t = pending.poll();
                if (!t.startedOnce) {
                    if (!t.completion.start(t)) {
                        continue;
                    }
                    t.startedOnce = true;
                }
                t.worker = w;
                w.inflight.put(t.id, t);
                w.dispatched++;
                out.add(new Send(w, t));
            }
        }
        for (Worker w : List.copyOf(workers)) {
            if (w.ready && !w.quitting && !w.killed && w.inflight.isEmpty()) {
                boolean spent = maxTasksPerChild > 0 && w.dispatched >= maxTasksPerChild;
                if (spent || (shutdown && pending.isEmpty())) {
                    w.quitting = true;
                    out.add(new Send(w, null));
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
                if (s.task == null) {
                    s.worker.link.quit();
                } else {
                    s.worker.link.send(s.task.id, s.task.payload);
                }
            } catch (IOException e) {
                // the worker is dying; its death is reported and fails what it held
            }
        }
    }

    // ------------------------------------------------------------ stopping one running task

    private boolean stop(Task t) {
        Worker w;
        lock.lock();
        try {
            w = t.worker;
            if (w == null || w.killed) {
                return false;
            }
            w.killed = true;
            w.inflight.remove(t.id);
        } finally {
            lock.unlock();
        }
        w.link.kill();
        return true;
    }

    // ------------------------------------------------------------ shutdown

    /**
     * No new tasks; the workers exit once nothing is pending. Does not wait.
     *
     * @param cancelPending also drop the tasks that have not gone to a worker ({@link Completion#drop})
     */
    public void shutdown(boolean cancelPending) {
        List<Task> cancelled = new ArrayList<>();
        List<Send> sends;
        lock.lock();
        try {
            shutdown = true;
            if (cancelPending) {
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
        for (Task t : cancelled) {
            t.completion.drop(t.startedOnce);
        }
        send(sends);
    }

    /**
     * The JDK's shutdownNow: no new tasks; pending ones are dropped ({@link Completion#drop}) and returned.
     * Running ones are left to the caller (it cancels their futures, which stops them).
     *
     * @return the tasks that never went to a worker
     */
    public List<Task> shutdownNow() {
        List<Task> cancelled;
        lock.lock();
        try {
            shutdown = true;
            cancelled = new ArrayList<>(pending);
            pending.clear();
        } finally {
            lock.unlock();
        }
        for (Task t : cancelled) {
            t.completion.drop(t.startedOnce);
        }
        return cancelled;
    }

    /** @return the completions of the tasks now on a worker */
    public List<Completion> running() {
        List<Completion> out = new ArrayList<>();
        lock.lock();
        try {
            for (Worker w : workers) {
                for (Task t : w.inflight.values()) {
                    out.add(t.completion);
                }
            }
        } finally {
            lock.unlock();
        }
        return out;
    }

    /**
     * Python's Pool.terminate: no new tasks; every worker is ended now and every task not finished fails with
     * {@code error}. Does not wait for the workers to be gone ({@link #awaitTermination}).
     *
     * @param error makes the exception each unfinished task fails with
     */
    public void terminate(Supplier<? extends Throwable> error) {
        List<Task> failed = new ArrayList<>();
        List<Worker> toKill;
        lock.lock();
        try {
            shutdown = true;
            failed.addAll(pending);
            pending.clear();
            for (Worker w : workers) {
                failed.addAll(w.inflight.values());
                w.inflight.clear();
                w.killed = true;
            }
            toKill = List.copyOf(workers);
            if (workers.isEmpty()) {
                terminated.signalAll();
            }
        } finally {
            lock.unlock();
        }
        for (Worker w : toKill) {
            w.link.kill();
        }
        for (Task t : failed) {
            if (t.startedOnce || t.completion.start(t)) {
                t.completion.finish(null, error.get());
            }
        }
    }

    /** @return whether shutdown or terminate was called */
    public boolean isShutdown() {
        lock.lock();
        try {
            return shutdown;
        } finally {
            lock.unlock();
        }
    }

    /** @return whether the pool is shut down and every worker is gone */
    public boolean isTerminated() {
        lock.lock();
        try {
            return shutdown && workers.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /**
     * @param nanos the longest wait, {@link dev.mp4j.internal.util.Timeouts#FOREVER} for none
     * @return whether the pool is terminated
     * @throws InterruptedException if interrupted
     */
    public boolean awaitTermination(long nanos) throws InterruptedException {
        lock.lock();
        try {
            while (!(shutdown && workers.isEmpty())) {
                if (nanos <= 0) {
                    return false;
                }
                if (nanos == dev.mp4j.internal.util.Timeouts.FOREVER) {
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

    /**
     * @return the live worker processes (those booting included, once their OS process exists); none for
     *     thread workers
     */
    public List<ProcessHandle> processes() {
        List<Worker> snapshot;
        lock.lock();
        try {
            snapshot = List.copyOf(workers);
        } finally {
            lock.unlock();
        }
        List<ProcessHandle> out = new ArrayList<>();
        for (Worker w : snapshot) {
            ProcessHandle p;
            try {
                p = w.link.process(PROCESS_WAIT_SECONDS);
            } catch (InterruptedException e) {
                throw dev.mp4j.InterruptedError.restore(e);
            }
            if (p != null && p.isAlive()) {
                out.add(p);
            }
        }
        return out;
    }

    /** A task and its place in the pool. */
    private record Send(Worker worker, Task task) {} // task null: QUIT

    /** A submitted task: the engine's handle on it. */
    public final class Task {
        private final long id;
        private final Completion completion;
        private final Object payload;
        private boolean startedOnce; // guarded by lock: Completion.start returned true
        private Worker worker;       // guarded by lock: the worker it went to last

        private Task(long id, Completion completion, Object payload) {
            this.id = id;
            this.completion = completion;
            this.payload = payload;
        }

        /**
         * Stops the task if it is on a worker: the worker is ended (and replaced, the pool is not broken); the
         * other tasks it held go to another worker. The task gets no {@link Completion#finish}.
         *
         * @return whether a worker was ended for it
         */
        public boolean stop() {
            return PoolEngine.this.stop(this);
        }

        /** @return the task, to run in this JVM (what shutdownNow hands back for tasks that never ran) */
        public Runnable asRunnable() {
            return () -> {
                try {
                    Object t = backend.restore(payload);
                    if (t instanceof PoolWire.Chunk c) {
                        for (Object arg : c.args()) {
                            c.fn().apply(arg);
                        }
                    } else if (t instanceof PoolWire.EachChunk c) {
                        for (Object arg : c.args()) {
                            c.fn().apply(arg);
                        }
                    } else {
                        ((Callable<?>) t).call();
                    }
                } catch (RuntimeException | Error e) {
                    throw e;
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            };
        }
    }

    /**
     * One worker, as the engine sees it; fields guarded by the engine's lock. Its {@link Backend} reports its
     * life through the methods here, from the backend's threads and without the lock.
     */
    public final class Worker {
        private final String name;
        private final LinkedHashMap<Long, Task> inflight = new LinkedHashMap<>();
        private volatile Backend.Link link; // set right after Backend.start, under the lock
        private int dispatched;
        private boolean ready;
        private boolean quitting;
        private boolean killed;
        private Throwable initFailed;

        private Worker(String name) {
            this.name = name;
        }

        /** @return the worker's name */
        public String name() {
            return name;
        }

        private boolean canTake(int maxTasks) {
            return ready && !quitting && !killed && inflight.isEmpty()
                    && (maxTasks == 0 || dispatched < maxTasks);
        }

        /** The worker has booted and takes tasks. */
        void ready() {
            awaitLink();
            onReady(this);
        }

        /**
         * A task's outcome.
         *
         * @param id the task's id
         * @param value its value
         * @param error its exception, or null
         */
        void result(long id, Object value, Throwable error) {
            onResult(this, id, value, error);
        }

        /** @param cause what the initializer raised; the worker is about to end */
        void initFailed(Throwable cause) {
            onInitFailed(this, cause);
        }

        /**
         * The worker is gone.
         *
         * @param code its exit code; null if it never started
         * @param message why it never started, or null
         * @param cause the cause of that, or null
         */
        void gone(Integer code, String message, Throwable cause) {
            awaitLink();
            onGone(this, code, message, cause);
        }

        /** Reports a bug while handling what the worker sent, and ends the worker so that the pool goes on. */
        void failed(Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "pool: cannot handle what " + name + " sent", t);
            awaitLink();
            link.kill();
        }

        /** The backend's threads may report before {@code start} returned the link: wait for the lock. */
        private void awaitLink() {
            if (link == null) {
                lock.lock();
                lock.unlock();
            }
        }
    }
}
