package dev.mp4j.internal.pool;

import dev.mp4j.futures.ExecutorStats;
import dev.mp4j.futures.TimeoutError;
import dev.mp4j.internal.jfr.Events;
import dev.mp4j.internal.util.LazyLogger;
import dev.mp4j.internal.util.Timeouts;
import dev.mp4j.multiprocessing.WorkerLostError;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The pool engine behind {@code ProcessPoolExecutor}, {@code Pool} and {@code ThreadPool}: a fixed number of
 * workers (JVMs or threads, as the {@link Backend} makes them). A worker runs its tasks one at a time, in
 * the order it got them; the engine sends it the next ones while it runs one when its tasks are short (see
 * {@link #assign}), so that it never waits for the parent between them. The first task a worker holds is
 * the one it runs, so the engine always knows which task each worker runs. Where the backend's workers give
 * back a task they have not started (threads: {@link Backend#recalls}), an idle worker gets a task queued
 * in a busy one once nothing is pending ({@link #rebalance}), as an idle worker of CPython's ThreadPool takes
 * the next task from the one shared queue: a task that waits for work of its own pool (a map from inside a
 * task) leaves that work to the idle workers even when some of it was sent ahead to its own worker.
 * <pre>
 *   submit --prepare--&gt; pending --assign--&gt; worker.inflight, worker.outbox --Link.send--&gt; worker
 *   worker --result--&gt; inflight.remove --&gt; Completion.finish ; assign the next
 *   (threads) nothing pending, a worker idle --rebalance--&gt; Link.recall of a task queued in a busy worker --&gt; the idle one
 * </pre>
 *
 * <p>Parameters: the number of workers; their name kind; whether they start at once ({@link #start()}) or
 * at the first submit; {@code maxTasksPerChild} (a worker that ran that many exits and a fresh one replaces
 * it); the {@link Death} policy for a worker that ends abruptly; and a time limit per task.
 *
 * <p>Time limits: a task's limit (its own, else the pool's) counts from when its worker starts it (as the
 * parent sees it: when it is sent to an idle worker, or when the result of the task before it arrives). Past it, the timer thread kills the worker and fails the
 * task with {@link TimeoutError}; the worker is replaced as after {@link Task#stop}, and the pool is never
 * broken by it. Soft limits and the memory limit live in the workers ({@link JvmBackend}, {@link ThreadBackend}):
 * the engine only logs the first and replaces a worker that reports the second once its task is done (the
 * tasks queued in it come back unrun, {@link dev.mp4j.internal.wire.Tags#BOUNCE}, and go to another worker).
 * Every such event and every worker's end (a routine one at DEBUG, and not for worker threads: see
 * {@link Backend#logsRoutineEnds}) is logged on the "dev.mp4j.pool" System.Logger with the
 * worker's name, pid and (once gone) exit code.
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

    private static final System.Logger LOG = LazyLogger.of("dev.mp4j.pool");
    private static final AtomicInteger ENGINES = new AtomicInteger();
    private static final long PROCESS_WAIT_SECONDS = 30;
    /** The most tasks a worker holds (one running, the others queued in it). */
    static final int WINDOW = 16;
    /** A worker gets tasks ahead only while its tasks run less than this on average. */
    static final long FAST_NANOS = 2_000_000;
    /** The most bytes of tasks sent ahead to a worker (small enough to sit in a socket's buffer). */
    static final long PREFETCH_BYTES = 32 * 1024;

    private final int size;
    private final String kind;
    private final Death death;
    private final int maxTasksPerChild;
    private final long timeLimitNanos;
    private final Backend backend;
    /** {@link Backend#logsRoutineEnds}. */
    private final boolean logsRoutineEnds;
    /** {@link Backend#recalls}: an idle worker gets what is queued in a busy one ({@link #rebalance}). */
    private final boolean recalls;
    // a monitor, not a ReentrantLock: taken a few times per task and result, its paths are the JVM's own, where
    // the lock's Java code ran in the interpreter through a fresh JVM's first tasks and went through the JIT
    private final Object lock = new Object(); // notified when the pool is terminated
    private final ArrayDeque<Task> pending = new ArrayDeque<>();
    private final List<Worker> workers = new ArrayList<>();
    private volatile boolean started; // written under lock; read without it by submit
    private boolean shutdown;
    private RuntimeException broken;
    private long nextId;
    /** Whether a worker ever reported heap use over the limit: {@link #assign} looks for spent workers then. */
    private boolean overMemorySeen;
    /** What {@link ExecutorStats} counts, in items (see {@link Task#items}). */
    private long completed;
    private long failed;
    private long cancelled;
    private long workersStarted;
    private long workersLost;
    /** Names the pool in JFR events. */
    private final String label;

    /**
     * @param size the number of workers, at least 1
     * @param kind what the workers are called ("SpawnProcess", "SpawnPoolWorker" ...)
     * @param death what an abrupt worker death does
     * @param maxTasksPerChild tasks per worker before it is replaced; 0 for no limit
     * @param backend what the workers are
     */
    public PoolEngine(int size, String kind, Death death, int maxTasksPerChild, Backend backend) {
        this(size, kind, death, maxTasksPerChild, Timeouts.FOREVER, backend);
    }

    /**
     * @param size the number of workers, at least 1
     * @param kind what the workers are called ("SpawnProcess", "SpawnPoolWorker" ...)
     * @param death what an abrupt worker death does
     * @param maxTasksPerChild tasks per worker before it is replaced; 0 for no limit
     * @param timeLimitNanos the hard time limit of every task without its own; {@link Timeouts#FOREVER} for none
     * @param backend what the workers are
     */
    public PoolEngine(int size, String kind, Death death, int maxTasksPerChild, long timeLimitNanos,
                      Backend backend) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be >= 1, got " + size);
        }
        this.size = size;
        this.kind = kind;
        this.death = death;
        this.maxTasksPerChild = maxTasksPerChild;
        this.timeLimitNanos = timeLimitNanos;
        this.backend = backend;
        this.logsRoutineEnds = backend.logsRoutineEnds();
        this.recalls = backend.recalls();
        // String.concat, not +: a + links a call site on its first run, which a fresh JVM's first pool pays for
        this.label = kind.concat(" pool ").concat(Integer.toString(ENGINES.incrementAndGet()));
    }

    /** @return the number of workers */
    public int size() {
        return size;
    }

    /** Starts all the workers now, if they have not started yet (otherwise the first submit does). */
    public void start() {
        synchronized (lock) {
            startAll();
        }
    }

    /**
     * Queues a task. A task that the backend cannot prepare (not serializable, say) fails its own completion
     * at once, in this thread. The first task starts the workers (unless {@link #start} did), even one that fails.
     *
     * @param task the task: a Callable, or a chunk of {@link Chunks}
     * @param completion told when the task starts and ends
     * @throws RejectedExecutionException after shutdown
     * @throws RuntimeException the backend's {@link Backend#broken} exception when the pool is broken
     */
    public void submit(Object task, Completion completion) {
        submit(task, completion, Timeouts.FOREVER);
    }

    /**
     * Queues a task with its own hard time limit (instead of the pool's).
     *
     * @param task the task: a Callable, or a chunk of {@link Chunks}
     * @param completion told when the task starts and ends
     * @param timeoutNanos the limit, counted from when the task goes to its worker; {@link Timeouts#FOREVER}
     *     for the pool's own (none if the pool has none)
     * @throws RejectedExecutionException after shutdown
     * @throws RuntimeException the backend's {@link Backend#broken} exception when the pool is broken
     */
    public void submit(Object task, Completion completion, long timeoutNanos) {
        long submitted = Events.taskEnabled() ? System.nanoTime() : 0;
        long limit = timeoutNanos == Timeouts.FOREVER ? timeLimitNanos : Math.max(0, timeoutNanos);
        int items = Chunks.items(task);
        boolean chunked = items >= 0;
        items = Math.max(items, 1);
        if (!started) {
            // The first task starts the workers before it is prepared: their JVMs boot while a fresh JVM prepares
            // its first task (the codec's first use, 10-20 ms here), as CPython's start whatever the task is.
            synchronized (lock) {
                checkAccepting();
                startAll();
            }
        }
        Object prepared;
        try {
            prepared = backend.prepare(task);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            unsendable(completion, items, submitted, e);
            return;
        }
        List<Worker> sends;
        synchronized (lock) {
            checkAccepting();
            pending.add(new Task(nextId++, completion, prepared, limit, backend.weight(prepared), items, chunked,
                    submitted));
            startAll();
            sends = assign();
        }
        send(sends);
    }

    /**
     * Fails a task the backend could not prepare, as in CPython: its own result fails. Apart from
     * {@link #submit}, which every task goes through, so that the JIT's first compilation of it leaves this out.
     */
    private void unsendable(Completion completion, int items, long submitted, Throwable e) {
        synchronized (lock) {
            checkAccepting();
            failed += items;
        }
        Events.task(label, -1, submitted, 0, -1, 0, 0, "error");
        completion.finish(null, backend.unsendable(e));
    }

    /** Throws if the pool takes no new tasks. Lock held (by both callers: no second, reentrant locking per task). */
    private void checkAccepting() {
        if (broken != null) {
            throw backend.broken(broken.getMessage(), broken.getCause());
        }
        if (shutdown) {
            throw new RejectedExecutionException("cannot schedule new futures after shutdown");
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
        workersStarted++;
        w.link = backend.start(w);
    }

    private void onReady(Worker w) {
        List<Worker> sends;
        boolean kill;
        synchronized (lock) {
            kill = w.killed || broken != null;
            if (kill) {
                w.killed = true;
                sends = List.of();
            } else {
                w.ready = true;
                sends = assign();
            }
        }
        if (kill) {
            w.link.kill();
        }
        send(sends);
    }

    private void onInitFailed(Worker w, Throwable cause) {
        synchronized (lock) {
            w.initFailed = cause;
        }
    }

    /**
     * A task's outcome: {@code value} and {@code error}, or, when {@code later} is not null, a chunk whose
     * every call returned, whose values {@code later} reads once the worker's next tasks are sent (so that it
     * does not wait for this JVM to read them).
     */
    private void onResult(Worker w, long id, Object value, Throwable error, Later later, long runNanos, long bytes) {
        Task task;
        List<Worker> sends;
        boolean kill = false;
        String outcome = null;
        synchronized (lock) {
            task = w.inflight.remove(id);
            if (task != null && !task.abandoned) {
                if (later != null) {
                    completed += task.items;
                    outcome = "result";
                } else {
                    outcome = countOutcome(task, value, error);
                }
            }
            if (task != null) {
                if (task.timer != null) {
                    task.timer.cancel(false);
                    task.timer = null;
                }
                w.inflightBytes -= task.weight;
                w.serviceNanos = w.serviceNanos < 0 ? runNanos : (3 * w.serviceNanos + runNanos) / 4;
                Task next = w.head();
                if (next != null && next.abandoned && !w.killed) {
                    // a task cancelled while it waited in the worker now runs there: stop it as a running one
                    w.inflight.remove(next.id);
                    w.killed = true;
                    w.killReason = "its task was cancelled";
                    kill = true;
                } else if (next != null) {
                    armHead(w, next);
                }
            }
            sends = assign();
        }
        if (kill) {
            w.link.kill();
        }
        send(sends); // first: the worker's next tasks do not wait for this one's completion
        if (task != null) {
            backend.done(task.payload); // no longer held by a worker: never sent again
        }
        if (outcome != null) {
            VirtualMachineError fatal = null;
            if (later != null) {
                TaskRunner.Outcome read;
                try {
                    read = later.read(task.completion.valuesInto(), task.completion.valuesAt(), task.items);
                } catch (VirtualMachineError e) {
                    fatal = e; // the task is no longer in flight: fail it here, then let the caller see it
                    read = new TaskRunner.Outcome(null, e);
                }
                value = read.value();
                error = read.error();
                if (error != null) {
                    outcome = uncount(task);
                }
            }
            if (Events.taskEnabled()) { // first: the worker's pid is a few calls, for every chunk
                Events.task(label, w.link.pid(), task.submitNanos, task.sentNanos, runNanos, task.weight, bytes,
                        outcome);
            }
            task.completion.finish(value, error);
            if (fatal != null) {
                throw fatal;
            }
        }
    }

    /** A task counted as completed could not be read after all: counts it as failed. @return "error" */
    private String uncount(Task t) {
        synchronized (lock) {
            completed -= t.items;
            failed += t.items;
        }
        return "error";
    }

    /**
     * Counts a finished task's items by how each ended. Lock held.
     *
     * @return the task's outcome for its JFR event: result, or error when a call raised
     */
    private String countOutcome(Task t, Object value, Throwable error) {
        if (error != null) {
            failed += t.items;
            return "error";
        }
        // instanceof, not a pattern switch: its bootstrap would spin a class on a pool's first result
        if (t.chunked && value instanceof Chunks.ChunkResult r) {
            completed += r.values().size();
            if (r.error() != null) {
                failed++;
                cancelled += t.items - r.values().size() - 1; // a Chunk stops at its first failing call
                return "error";
            }
        } else if (t.chunked && value instanceof Chunks.EachResult r) {
            int errors = 0;
            for (int i = 0; r.errors() != null && i < r.values().size(); i++) {
                if (r.error(i) != null) {
                    errors++;
                }
            }
            completed += r.values().size() - errors;
            failed += errors;
            if (errors > 0) {
                return "error";
            }
        } else {
            completed += t.items;
        }
        return "result";
    }

    /**
     * The worker did not run a task queued in it (it went over the memory limit): it and those after it
     * go back to the front of the queue, for another worker.
     */
    private void onBounced(Worker w, long id) {
        List<Worker> sends;
        synchronized (lock) {
            if (w.inflight.containsKey(id)) {
                requeue(w);
            }
            sends = assign();
        }
        send(sends);
    }

    /** A worker ended (code) or never started (message). No lock held on entry. */
    private void onGone(Worker w, Integer code, String message, Throwable cause) {
        List<Task> failed = new ArrayList<>();
        List<Worker> toKill = new ArrayList<>();
        RuntimeException error = null;
        RuntimeException lost = null;
        List<Worker> sends = List.of();
        // no +, whose call site links on its first run: every pool's close in a fresh JVM would pay for it
        String about = new StringBuilder("worker ").append(w.name).append(" (pid ").append(w.link.pid()).append(')')
                .toString();
        synchronized (lock) {
            logGone(w, about, code, message);
            // under the lock: whoever sees the pool terminated finds the event committed
            if (message != null) {
                Events.spawnFailure(message);
            } else if (w.link.pid() >= 0) {
                Events.workerExit(w.link.pid(), code, exitCause(w));
            }
            workers.remove(w);
            if (broken != null) {
                w.inflight.clear(); // the pool broke earlier and failed these already
            } else if (w.quitting && w.inflight.isEmpty() && message == null) {
                sends = assign(); // a planned exit (shutdown or maxTasksPerChild)
            } else if (w.killed) {
                // killed by a stop or a terminate: its unstarted tasks go back to the queue
                requeue(w);
                if (!shutdown || hasWork()) {
                    startWorker();
                }
                sends = assign();
            } else if (death == Death.REPLACE && w.initFailed == null && message == null) {
                workersLost++;
                lost = new WorkerLostError(about + " ended with exit code " + code + " while it ran the task");
                Task running = w.head(); // a worker runs its tasks in order: the first it holds was running
                if (running != null) {
                    w.inflight.remove(running.id);
                    if (!running.abandoned) {
                        failed.add(running);
                        this.failed += running.items;
                    }
                }
                requeue(w);
                if (!shutdown || hasWork()) {
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
                if (w.initFailed == null && message == null) {
                    workersLost++;
                }
                failed.addAll(live(w.inflight.values()));
                w.inflight.clear();
                for (Worker other : workers) {
                    failed.addAll(live(other.inflight.values()));
                    other.inflight.clear();
                    other.killed = true;
                    toKill.add(other);
                }
                failed.addAll(pending);
                pending.clear();
                for (Task t : failed) {
                    if (t.completion.isCancelled()) {
                        cancelled += t.items;
                    } else {
                        this.failed += t.items;
                    }
                }
            }
            if (workers.isEmpty()) {
                lock.notifyAll();
            }
        }
        for (Task t : failed) {
            Events.task(label, t.worker == null ? -1 : t.worker.link.pid(), t.submitNanos, t.sentNanos, -1, t.weight, 0,
                    "lost");
            t.completion.finish(null, lost != null ? lost : backend.broken(error.getMessage(), error.getCause()));
        }
        for (Worker k : toKill) {
            k.link.kill();
        }
        send(sends);
    }

    /** @return why a worker ended, for its JFR event: normal, recycled, killed, timeout or lost. Lock held. */
    private String exitCause(Worker w) {
        if (w.killReason != null && w.killReason.startsWith("task over its time limit")) {
            return "timeout";
        }
        if (w.killed) {
            return "killed";
        }
        if (w.quitting && w.inflight.isEmpty()) {
            return w.recycled ? "recycled" : "normal";
        }
        return broken != null && w.initFailed == null ? "killed" : "lost";
    }

    /** Logs a worker's end, with the lock held (so the state read is consistent). */
    private void logGone(Worker w, String about, Integer code, String message) {
        if (message != null) {
            LOG.log(System.Logger.Level.WARNING, "pool: " + about + " could not start: " + message);
        } else if (w.killReason != null) {
            LOG.log(System.Logger.Level.INFO, "pool: " + about + " ended with exit code " + code
                    + " after it was killed (" + w.killReason + "); a new worker replaces it");
        } else if (broken != null || w.killed) {
            if (routineEndsLogged()) {
                LOG.log(System.Logger.Level.DEBUG, "pool: " + about + " ended with exit code " + code);
            }
        } else if (w.quitting && w.inflight.isEmpty()) {
            if (routineEndsLogged()) {
                LOG.log(System.Logger.Level.DEBUG, "pool: " + about + " exited with exit code " + code
                        + (w.overMemory ? " (recycled: over maxMemoryPerChild)" : ""));
            }
        } else if (w.initFailed != null) {
            LOG.log(System.Logger.Level.WARNING, "pool: " + about + " ended with exit code " + code
                    + ": its initializer failed");
        } else {
            LOG.log(death == Death.REPLACE ? System.Logger.Level.WARNING : System.Logger.Level.ERROR,
                    "pool: " + about + " ended abruptly with exit code " + code
                    + (w.inflight.isEmpty() ? "" : " while it ran a task")
                    + (death == Death.REPLACE ? "; a new worker replaces it" : "; the pool is broken"));
        }
    }

    /**
     * Whether a worker's routine end (planned, or after a kill the pool asked for) is logged: at DEBUG, off by
     * default, so its message is built only when it is on; and never for a backend whose workers'
     * ends tell nothing ({@link Backend#logsRoutineEnds}), where asking whether DEBUG is on would start the
     * logging framework in a JVM that logged nothing yet, on the way to the pool's close.
     */
    private boolean routineEndsLogged() {
        return logsRoutineEnds && LOG.isLoggable(System.Logger.Level.DEBUG);
    }

    /** Puts back the tasks a gone worker held but had not finished, to go to another worker. */
    private void requeue(Worker w) {
        List<Task> back = new ArrayList<>(w.inflight.values());
        for (int i = back.size() - 1; i >= 0; i--) {
            Task t = back.get(i);
            if (t.timer != null) {
                t.timer.cancel(false);
                t.timer = null;
            }
            if (!t.abandoned) {
                pending.addFirst(t);
            }
        }
        w.inflight.clear();
        w.inflightBytes = 0;
    }

    /** @return the tasks of {@code tasks} that were not cancelled while queued in a worker */
    private static List<Task> live(java.util.Collection<Task> tasks) {
        List<Task> out = new ArrayList<>(tasks.size());
        for (Task t : tasks) {
            if (!t.abandoned) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * Moves pending tasks to workers that can take them, the least loaded first; tells workers to quit when
     * they reached maxTasksPerChild (or went over the memory limit) or the pool is shut down and idle. What
     * it decides goes to the workers' outboxes, in order; the caller flushes them ({@link #send}) once the
     * lock is released.
     *
     * <p>A worker takes a task when it has none; it takes more (up to {@link #WINDOW}, queued in it behind
     * the running one) only while its tasks prove short (the time the worker reports it ran the last ones is under
     * {@link #FAST_NANOS}) and small (at most {@link #PREFETCH_BYTES} sent ahead, so that a send to a busy
     * worker never waits for it to read).
     *
     * @return the workers with something in their outbox
     */
    private List<Worker> assign() {
        List<Worker> out = null; // made once a worker has something to send: most results send nothing
        while (!pending.isEmpty()) {
            Task t = pending.peek();
            Worker best = null;
            // by index, not a for-each: an iterator per task sent is garbage a fresh JVM's first maps make
            for (int i = 0, n = workers.size(); i < n; i++) {
                Worker w = workers.get(i);
                if (w.canTake(maxTasksPerChild, t) && (best == null || w.inflight.size() < best.inflight.size())) {
                    best = w;
                }
            }
            if (best == null) {
                break;
            }
            pending.poll();
            if (!t.startedOnce) {
                if (!t.completion.start(t)) {
                    cancelled += t.items;
                    Events.task(label, -1, t.submitNanos, 0, -1, t.weight, 0, "cancelled");
                    continue;
                }
                t.startedOnce = true;
            }
            out = give(t, best, out);
        }
        if (recalls && pending.isEmpty()) {
            out = rebalance(out);
        }
        if (shutdown || maxTasksPerChild > 0 || overMemorySeen) {
            out = quitSpent(out);
        }
        return out == null ? List.of() : out;
    }

    /**
     * The part of {@link #assign} that gives each idle worker, once nothing is pending, a task queued in a busy
     * worker behind the one it runs (the first not cancelled, of the worker that holds the most such tasks), taken back
     * from it ({@link Backend.Link#recall}), as CPython's ThreadPool, whose idle workers take what is queued from
     * one shared queue: a task that waits for work of its own pool (a map from inside a task) does not hold
     * what went to its worker ahead. Only for backends whose links take tasks back (threads). Lock held.
     *
     * @param out the workers with something in their outbox, or null
     * @return {@code out}, with the workers given a task added
     */
    private List<Worker> rebalance(List<Worker> out) {
        for (int i = 0, n = workers.size(); i < n; i++) {
            Worker idle = workers.get(i);
            if (!idle.inflight.isEmpty() || !idle.takesTasks(maxTasksPerChild)) {
                continue;
            }
            Task t = takeBack(idle);
            if (t == null) {
                break; // nothing to take back for any idle worker
            }
            out = give(t, idle, out);
        }
        return out;
    }

    /**
     * Hands {@code t} to {@code w}: held by it, counted toward its maxTasksPerChild, in its outbox. Lock held.
     *
     * @param out the workers with something in their outbox, or null
     * @return {@code out}, with {@code w} added
     */
    private static List<Worker> give(Task t, Worker w, List<Worker> out) {
        if (t.submitNanos != 0) {
            t.sentNanos = System.nanoTime();
        }
        t.worker = w;
        w.inflight.put(t);
        w.inflightBytes += t.weight;
        w.dispatched++;
        w.post(t);
        return touched(out, w);
    }

    /**
     * Takes back a task queued in a busy worker, for {@code idle}. A worker runs its tasks in order and takes its
     * next one only once the engine handled the result of the one it runs (which needs the lock held here): a
     * task behind the first it holds has not started. One still on its way to the worker (another thread sends
     * it now) is left: that thread looks again once it sent it ({@link #send}), and the next worker is asked.
     * Lock held.
     *
     * @return the task, no longer held by its worker; null if no worker gives one back
     */
    private Task takeBack(Worker idle) {
        List<Worker> refused = null; // made only once a worker refuses: most take-backs succeed at the first
        while (true) {
            Worker from = null;
            int most = 0;
            for (int i = 0, n = workers.size(); i < n; i++) {
                Worker w = workers.get(i);
                if (w == idle || w.killed || w.inflight.size() < 2 || (refused != null && refused.contains(w))) {
                    continue;
                }
                int live = liveBehindHead(w); // cancelled tasks waiting to be stopped there do not count
                if (live > most) {
                    most = live;
                    from = w;
                }
            }
            if (from == null) {
                return null;
            }
            Task t = firstBehindHead(from);
            if (from.recall(t)) {
                from.inflight.remove(t.id);
                from.inflightBytes -= t.weight;
                from.dispatched--; // it never ran there: it does not count toward that worker's maxTasksPerChild
                return t;
            }
            if (refused == null) {
                refused = new ArrayList<>(2);
            }
            refused.add(from); // perhaps on its way there now: another worker may give one
        }
    }

    /** @return the first task not cancelled that {@code w} holds behind the one it runs, or null. Lock held. */
    private static Task firstBehindHead(Worker w) {
        Task head = w.head();
        for (Task t : w.inflight.values()) {
            if (t != head && !t.abandoned) {
                return t;
            }
        }
        return null;
    }

    /**
     * The part of {@link #assign} that tells idle workers to quit: those spent (maxTasksPerChild, the memory
     * limit) or, once shut down, all when no task waits for a worker ({@link #hasWork}: a spent worker is then
     * replaced, as CPython's Pool replaces workers after close while results are outstanding). Apart, and
     * called only when one of those can be: a pool's every task and result skip it, and the JIT's first
     * compilation of assign leaves it out. Lock held.
     *
     * @param out the workers with something in their outbox, or null
     * @return {@code out}, with those told to quit added
     */
    private List<Worker> quitSpent(List<Worker> out) {
        // by index, not over a copy: startWorker below appends a worker that is not ready yet, and no other
        // change to the list happens here
        for (int i = 0, n = workers.size(); i < n; i++) {
            Worker w = workers.get(i);
            if (w.ready && !w.quitting && !w.killed && w.inflight.isEmpty()) {
                boolean spent = w.overMemory || (maxTasksPerChild > 0 && w.dispatched >= maxTasksPerChild);
                if (spent || (shutdown && !hasWork())) {
                    w.quitting = true;
                    w.recycled = spent;
                    w.post(QUIT);
                    out = touched(out, w);
                    if (spent && (!shutdown || hasWork())) {
                        startWorker();
                    }
                }
            }
        }
        return out;
    }

    /**
     * @return whether a task waits for a worker: one pending, or (where tasks are taken back) one queued in a
     *     live worker behind the one it runs, which only an idle worker's take-back ({@link #rebalance})
     *     reaches once that task waits for it; a shut down pool keeps and replaces workers for either. Lock held.
     */
    private boolean hasWork() {
        if (!pending.isEmpty()) {
            return true;
        }
        if (!recalls) {
            return false;
        }
        for (int i = 0, n = workers.size(); i < n; i++) {
            Worker w = workers.get(i);
            if (!w.killed && liveBehindHead(w) > 0) {
                return true;
            }
        }
        return false;
    }

    /** @return how many tasks not cancelled {@code w} holds behind the one it runs. Lock held. */
    private static int liveBehindHead(Worker w) {
        if (w.inflight.size() < 2) {
            return 0;
        }
        int live = 0;
        Task head = w.head();
        for (Task t : w.inflight.values()) {
            if (t != head && !t.abandoned) {
                live++;
            }
        }
        return live;
    }

    /** @return {@code out}, or a new list if null, with {@code w} in it once */
    private static List<Worker> touched(List<Worker> out, Worker w) {
        if (out == null) {
            out = new ArrayList<>(2);
        }
        // by identity and index, not contains(): its indexOf and equals calls ran for every task sent
        for (int i = 0, n = out.size(); i < n; i++) {
            if (out.get(i) == w) {
                return out;
            }
        }
        out.add(w);
        return out;
    }

    /**
     * Sends what is in the workers' outboxes, in the order it was decided. No lock held on entry. A thread
     * that finds another sending to the same worker leaves its sends to that one (which looks again before
     * it stops), so no thread waits for another's write.
     */
    private void send(List<Worker> touched) {
        for (int i = 0, n = touched.size(); i < n; i++) { // by index: no iterator per task and result
            Worker w = touched.get(i);
            Object s = w.takeToSend();
            if (s == null) {
                continue; // nothing left, or another thread sends to this worker and looks again before it stops
            }
            boolean stopped = false;
            try {
                do {
                    try {
                        if (s == QUIT) {
                            w.link.quit();
                        } else {
                            Task t = (Task) s;
                            if (t.chunked) {
                                w.link.send(t.id, t.payload, t.completion.valuesInto(), t.completion.valuesAt());
                            } else {
                                w.link.send(t.id, t.payload);
                            }
                            if (t.limitNanos != Timeouts.FOREVER) {
                                arm(w, t); // a call only for a task with a limit, not for each sent
                            }
                        }
                    } catch (IOException e) {
                        // the worker is dying; its death is reported and fails what it held
                    }
                } while ((s = w.nextToSend()) != null);
                stopped = true;
            } finally {
                if (!stopped) {
                    w.stopSending(); // an error stopped the sends: what is left goes with the next send
                }
                if (recalls && w.recheck) {
                    rebalanceAfterSend(w); // also when an error stopped the sends: an idle worker waits for it
                }
            }
        }
    }

    /**
     * A task could not be taken back from {@code w} for an idle worker while this thread sent it ({@link #takeBack}):
     * now that it is sent, the idle workers look again. Apart from {@link #send}, which every task goes through.
     */
    private void rebalanceAfterSend(Worker w) {
        List<Worker> sends;
        synchronized (lock) {
            w.recheck = false;
            sends = assign();
        }
        send(sends);
    }

    // ------------------------------------------------------------ time limits

    /**
     * Starts the clock of a sent task that has a limit, if it is the one its worker runs now (the first it
     * holds; those queued behind it start theirs when it is done, in {@link #onResult}). No lock held on entry.
     */
    private void arm(Worker w, Task t) {
        synchronized (lock) {
            if (w.head() == t) {
                armHead(w, t);
            }
        }
    }

    /** Starts the clock of the task a worker runs now, unless started. Lock held. */
    private void armHead(Worker w, Task t) {
        if (t.limitNanos != Timeouts.FOREVER && t.timer == null) {
            t.timer = Timers.get().schedule(() -> timeOut(w, t), t.limitNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** The timer thread: the task ran past its limit; kill its worker and fail it. */
    private void timeOut(Worker w, Task t) {
        String limit = java.time.Duration.ofNanos(t.limitNanos).toString();
        synchronized (lock) {
            if (w.inflight.get(t.id) != t || w.killed) {
                return; // it finished (or its worker went) just now
            }
            t.timer = null;
            w.inflight.remove(t.id);
            w.killed = true;
            w.killReason = "task over its time limit of " + limit;
            failed += t.items;
        }
        Events.task(label, w.link.pid(), t.submitNanos, t.sentNanos, -1, t.weight, 0, "timeout");
        LOG.log(System.Logger.Level.WARNING, "pool: a task ran past its time limit of " + limit + "; killing worker "
                + w.name + " (pid " + w.link.pid() + ")");
        w.link.kill();
        t.completion.finish(null, new TimeoutError("the task ran past its time limit of " + limit + " in worker "
                + w.name + " (pid " + w.link.pid() + "), which was killed"));
    }

    // ------------------------------------------------------------ stopping one running task

    private boolean stop(Task t) {
        Worker w;
        synchronized (lock) {
            w = t.worker;
            if (w == null || w.killed || w.inflight.get(t.id) != t) {
                return false; // never sent, or done (its worker may run another task now: leave that alone)
            }
            cancelled += t.items;
            if (w.head() != t) {
                // still queued in the worker behind the running task: it is stopped when its turn comes
                t.abandoned = true;
                return true;
            }
            w.killed = true;
            w.killReason = "its task was cancelled";
            w.inflight.remove(t.id);
            if (t.timer != null) {
                t.timer.cancel(false);
                t.timer = null;
            }
        }
        Events.task(label, w.link.pid(), t.submitNanos, t.sentNanos, -1, t.weight, 0, "cancelled");
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
        List<Worker> sends;
        synchronized (lock) {
            shutdown = true;
            if (cancelPending) {
                cancelled.addAll(pending);
                pending.clear();
                countCancelled(cancelled);
            }
            sends = assign();
            if (workers.isEmpty()) {
                lock.notifyAll();
            }
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
        synchronized (lock) {
            shutdown = true;
            cancelled = new ArrayList<>(pending);
            pending.clear();
            countCancelled(cancelled);
        }
        for (Task t : cancelled) {
            t.completion.drop(t.startedOnce);
        }
        return cancelled;
    }

    /** Counts tasks taken from the queue by a shutdown as cancelled. Lock held. */
    private void countCancelled(List<Task> tasks) {
        for (Task t : tasks) {
            cancelled += t.items;
        }
    }

    /** @return the completions of the tasks now on a worker */
    public List<Completion> running() {
        List<Completion> out = new ArrayList<>();
        synchronized (lock) {
            for (Worker w : workers) {
                for (Task t : live(w.inflight.values())) {
                    out.add(t.completion);
                }
            }
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
        synchronized (lock) {
            shutdown = true;
            failed.addAll(pending);
            pending.clear();
            for (Worker w : workers) {
                failed.addAll(live(w.inflight.values()));
                w.inflight.clear();
                w.killed = true;
            }
            toKill = List.copyOf(workers);
            countCancelled(failed);
            if (workers.isEmpty()) {
                lock.notifyAll();
            }
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

    /**
     * @return what the pool does now, counted in items: a chunk of {@code n} calls is {@code n} tasks
     *     ({@link ExecutorStats})
     */
    public ExecutorStats stats() {
        synchronized (lock) {
            long queued = 0;
            long waitingCancelled = 0;
            for (Task t : pending) {
                if (!t.startedOnce && t.completion.isCancelled()) {
                    waitingCancelled += t.items; // counted as cancelled once the queue reaches it
                } else {
                    queued += t.items;
                }
            }
            int busy = 0;
            long running = 0;
            for (Worker w : workers) {
                boolean holds = false;
                for (Task t : w.inflight.values()) {
                    if (!t.abandoned) {
                        running += t.items;
                        holds = true;
                    }
                }
                if (holds) {
                    busy++;
                }
            }
            return new ExecutorStats(workers.size(), busy, queued, running, completed, failed,
                    cancelled + waitingCancelled, workersStarted, workersLost);
        }
    }

    /** @return whether shutdown or terminate was called */
    public boolean isShutdown() {
        synchronized (lock) {
            return shutdown;
        }
    }

    /** @return whether the pool is shut down and every worker is gone */
    public boolean isTerminated() {
        synchronized (lock) {
            return shutdown && workers.isEmpty();
        }
    }

    /**
     * @param nanos the longest wait, {@link dev.mp4j.internal.util.Timeouts#FOREVER} for none
     * @return whether the pool is terminated
     * @throws InterruptedException if interrupted
     */
    public boolean awaitTermination(long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        synchronized (lock) {
            while (!(shutdown && workers.isEmpty())) {
                if (nanos <= 0) {
                    return false;
                }
                if (nanos == dev.mp4j.internal.util.Timeouts.FOREVER) {
                    lock.wait();
                } else {
                    TimeUnit.NANOSECONDS.timedWait(lock, nanos);
                    nanos = deadline - System.nanoTime();
                }
            }
            return true;
        }
    }

    /**
     * @return the live worker processes (those booting included, once their OS process exists); none for
     *     thread workers
     */
    public List<ProcessHandle> processes() {
        List<Worker> snapshot;
        synchronized (lock) {
            snapshot = List.copyOf(workers);
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

    /** Reads a chunk's values after its worker got its next tasks ({@link Worker#values}). */
    @FunctionalInterface
    interface Later {
        /**
         * @param into where the values go if they can ({@link Completion#valuesInto}), or null
         * @param at where the first goes in {@code into}
         * @param count how many values the chunk has, the room in {@code into}
         * @return the values, or the error reading them raised; never throws
         */
        TaskRunner.Outcome read(Object[] into, int at, int count);
    }

    /**
     * The tasks a worker holds, in the order they were sent: at most {@link #WINDOW}, so finding one by id is a
     * short scan, and the one a result is for is the first (a worker runs its tasks in order). A deque, not a
     * map by boxed id: a submit and a result each touch it, and a map's code is a large part of what the JIT
     * compiles for them while a pool's first tasks run.
     */
    private static final class Held {
        private final ArrayDeque<Task> tasks = new ArrayDeque<>();

        void put(Task t) {
            tasks.addLast(t);
        }

        /** @return the task of {@code id}, no longer held, or null if none is */
        Task remove(long id) {
            Task first = tasks.peekFirst();
            if (first != null && first.id == id) {
                return tasks.pollFirst();
            }
            for (Iterator<Task> it = tasks.iterator(); it.hasNext(); ) {
                Task t = it.next();
                if (t.id == id) {
                    it.remove();
                    return t;
                }
            }
            return null;
        }

        /** @return the task of {@code id}, or null if it is not held */
        Task get(long id) {
            for (Task t : tasks) {
                if (t.id == id) {
                    return t;
                }
            }
            return null;
        }

        boolean containsKey(long id) {
            return get(id) != null;
        }

        /** @return the first task sent of those held (the one the worker runs), or null */
        Task first() {
            return tasks.peekFirst();
        }

        /** @return the tasks, in the order sent: a live view */
        java.util.Collection<Task> values() {
            return tasks;
        }

        boolean isEmpty() {
            return tasks.isEmpty();
        }

        int size() {
            return tasks.size();
        }

        void clear() {
            tasks.clear();
        }
    }

    /** In a worker's outbox: tell it to quit. */
    private static final Object QUIT = new Object();

    /** A submitted task: the engine's handle on it. */
    public final class Task {
        private final long id;
        private final Completion completion;
        private final Object payload;
        private final long limitNanos; // hard time limit; Timeouts.FOREVER for none
        private final long weight;     // the prepared task's size in bytes, as the backend counts it
        private final int items;       // how many of the caller's tasks it is: a chunk's calls, else 1
        private final boolean chunked; // a chunk of a map, whose value is a ChunkResult or an EachResult
        private final long submitNanos; // System.nanoTime() at submit, when the Task event was on; else 0
        private long sentNanos;        // guarded by lock: when it went to a worker, if submitNanos is set
        private boolean abandoned;     // guarded by lock: stopped while queued in a worker; gets no finish
        private boolean startedOnce; // guarded by lock: Completion.start returned true
        private Worker worker;       // guarded by lock: the worker it went to last
        private ScheduledFuture<?> timer; // guarded by lock: its time limit's clock while on a worker

        private Task(long id, Completion completion, Object payload, long limitNanos, long weight, int items,
                     boolean chunked, long submitNanos) {
            this.weight = weight;
            this.items = items;
            this.chunked = chunked;
            this.submitNanos = submitNanos;
            this.id = id;
            this.completion = completion;
            this.payload = payload;
            this.limitNanos = limitNanos;
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
                    if (t instanceof Chunks.Chunk c) {
                        for (Object arg : c.args()) {
                            c.fn().apply(arg);
                        }
                    } else if (t instanceof Chunks.EachChunk c) {
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
        private final Held inflight = new Held(); // in the order sent
        // what was decided for it and not yet sent, in order: Tasks and QUIT. Guarded by its own monitor, as is
        // sending (a thread sends from it): a monitor and a deque, not a ConcurrentLinkedQueue and a ReentrantLock,
        // whose Java code (VarHandle calls, a node per task) ran in the interpreter for a fresh JVM's first chunks
        private final ArrayDeque<Object> outbox = new ArrayDeque<>();
        private boolean sending;
        // set under the outbox's monitor when a task could not be taken back while it was being sent: the sender
        // looks again once done ({@link #rebalanceAfterSend}); volatile, as the sender reads it after its last step
        private volatile boolean recheck;
        private long inflightBytes; // the weight of the tasks it holds
        private long serviceNanos = -1; // a moving average of the time its tasks ran, as it reports them
        private volatile Backend.Link link; // set right after Backend.start, under the lock
        private int dispatched;
        private boolean ready;
        private boolean quitting;
        private boolean killed;
        private boolean recycled; // it quits for maxTasksPerChild or maxMemoryPerChild
        private String killReason; // why the engine killed it (a time limit, a cancel), for the log
        private boolean overMemory; // it reported heap use over the limit: no more tasks, replace it
        private Throwable initFailed;

        private Worker(String name) {
            this.name = name;
        }

        /** Queues a task (or QUIT) to send, after those queued before. */
        private void post(Object s) {
            synchronized (outbox) {
                outbox.addLast(s);
            }
        }

        /**
         * @return the first thing to send, this thread now the worker's only sender; null if there is nothing or
         *     another thread sends (which takes what is queued meanwhile before it stops)
         */
        private Object takeToSend() {
            synchronized (outbox) {
                if (sending || outbox.isEmpty()) {
                    return null;
                }
                sending = true;
                return outbox.pollFirst();
            }
        }

        /** @return the next thing to send, or null: the sender stops, in the same step as it finds nothing */
        private Object nextToSend() {
            synchronized (outbox) {
                Object s = outbox.pollFirst();
                if (s == null) {
                    sending = false;
                }
                return s;
            }
        }

        /** Ends this thread's sending, if an error stopped it before {@link #nextToSend} found nothing. */
        private void stopSending() {
            synchronized (outbox) {
                sending = false;
            }
        }

        /**
         * Takes back a task it holds behind the one it runs, if the task is not on its way to it now. Engine's
         * lock held.
         *
         * @return whether it will not run the task
         */
        private boolean recall(Task t) {
            synchronized (outbox) {
                if (outbox.removeFirstOccurrence(t)) {
                    return true; // not sent yet
                }
                if (sending) {
                    recheck = true; // perhaps being sent now: the sender looks again once done
                    return false;
                }
            }
            return link.recall(t.id);
        }

        /** @return the worker's name */
        public String name() {
            return name;
        }

        private boolean canTake(int maxTasks, Task t) {
            if (!takesTasks(maxTasks)) {
                return false;
            }
            return inflight.isEmpty() || (inflight.size() < WINDOW && serviceNanos >= 0 && serviceNanos < FAST_NANOS
                    && inflightBytes + t.weight <= PREFETCH_BYTES);
        }

        /** @return whether it takes a task now, were it idle */
        private boolean takesTasks(int maxTasks) {
            return ready && !quitting && !killed && !overMemory && (maxTasks == 0 || dispatched < maxTasks);
        }

        /** @return the task it runs now (the first it holds), or null */
        private Task head() {
            return inflight.first();
        }

        /**
         * The worker did not run a task (it went over the memory limit before its turn).
         *
         * @param id the task's id
         */
        void bounced(long id) {
            awaitLink();
            onBounced(this, id);
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
         * @param runNanos how long the worker ran it
         */
        void result(long id, Object value, Throwable error, long runNanos) {
            onResult(this, id, value, error, null, runNanos, 0);
        }

        /**
         * A task's outcome, as a worker JVM sent it.
         *
         * @param id the task's id
         * @param value its value
         * @param error its exception, or null
         * @param runNanos how long the worker ran it
         * @param bytes the size of the frame that carried it
         */
        void result(long id, Object value, Throwable error, long runNanos, long bytes) {
            onResult(this, id, value, error, null, runNanos, bytes);
        }

        /**
         * A chunk whose every call returned, as a worker JVM reported it: it counts as completed at once,
         * and its values are read by {@code values} after the worker's next tasks are sent. Not read at all
         * when the chunk's result is no longer wanted.
         *
         * @param id the chunk's id
         * @param values reads its values (a {@link Chunks.ChunkResult} or {@link Chunks.EachResult}), or the
         *     error that reading them raised
         * @param runNanos how long the worker ran it
         * @param bytes the size of the frame that carried it
         */
        void values(long id, Later values, long runNanos, long bytes) {
            onResult(this, id, null, null, values, runNanos, bytes);
        }

        /**
         * The soft time limit interrupted a task in the worker.
         *
         * @param id the task's id
         */
        void softLimited(long id) {
            awaitLink();
            LOG.log(System.Logger.Level.WARNING, "pool: task " + id + " ran past the soft time limit; its thread in worker "
                    + name + " (pid " + link.pid() + ") was interrupted");
        }

        /**
         * The worker's heap use passed its limit after a task (whose result comes next): it gets no more
         * tasks, and once idle it quits and a new worker replaces it.
         *
         * @param usedBytes its used heap
         */
        void overMemory(long usedBytes) {
            awaitLink();
            synchronized (lock) {
                overMemory = true;
                overMemorySeen = true;
            }
            LOG.log(System.Logger.Level.INFO, "pool: worker " + name + " (pid " + link.pid() + ") uses " + usedBytes
                    + " bytes of heap, over maxMemoryPerChild; it is replaced after its task");
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
                synchronized (lock) {
                    // start() sets the link with the lock held: it is set once the lock is free
                }
            }
        }
    }
}
