package dev.mp4j.internal.dummy;

import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.internal.conn.ExitSentinel;
import dev.mp4j.internal.threads.ExitWaits;
import dev.mp4j.multiprocessing.Process;
import dev.mp4j.multiprocessing.Sentinel;

import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The process of {@code Multiprocessing.dummy()}: Python's {@code multiprocessing.dummy.DummyProcess}, a
 * thread of this JVM behind the {@link Process} API ("DummyProcess-N"). Its {@link #name()} is its thread's.
 *
 * <p>States (fields guarded by {@code this}; {@code exit} and {@code thread} also volatile):
 * <pre>
 *   initial --start()--&gt; started (alive) --run() returns or throws--&gt; stopped (exit code 0 or 1)
 *   stopped --close()--&gt; closed
 * </pre>
 * An exception from {@code run()} is printed to stderr, as a child's would be, and gives exit code 1. A
 * thread cannot be killed: {@link #terminate()} and {@link #kill()} throw {@link UnsupportedOperationException}.
 *
 * <p>The thread of a dummy process, and a worker thread of a {@code ThreadPool} ({@link #runAsWorker}), runs
 * as that process: {@link #current()} returns it there, which is what {@code Multiprocessing.currentProcess()}
 * returns (Python's {@code dummy.current_process()}). A started dummy process is one of the
 * {@link #activeChildren()} of the dummy process that started it (or of the JVM's process, when a thread
 * that is no dummy process started it) until its {@code run()} ends; a pool's workers are not listed, as a
 * process pool's worker JVMs are not.
 */
public final class DummyProcess extends Process {
    @Serial
    private static final long serialVersionUID = 1L;
    /** The dummy process the current thread runs as, bound for the whole of its thread's work. */
    private static final ScopedValue<DummyProcess> CURRENT = ScopedValue.newInstance();
    /** The started dummy processes whose run() has not ended. */
    private static final Set<DummyProcess> RUNNING = ConcurrentHashMap.newKeySet();

    private transient volatile Thread thread;
    private transient volatile CompletableFuture<Integer> exit;
    private transient boolean closed;
    /** The dummy process whose thread started this one; null: another thread. Set once, by start(). */
    private transient volatile DummyProcess parent;

    DummyProcess(SerializableRunnable target) {
        super(target);
    }

    private DummyProcess(String name) {
        super(null, name);
    }

    /** @return the dummy process the calling thread runs as, or null when it runs as none */
    public static Process current() {
        return CURRENT.isBound() ? CURRENT.get() : null;
    }

    /**
     * Python's {@code dummy.active_children()}: the dummy processes started by the calling thread's dummy
     * process (by threads that are none, when it is none) whose {@code run()} has not ended.
     *
     * @return a snapshot, in no particular order
     */
    public static List<Process> activeChildren() {
        DummyProcess self = CURRENT.isBound() ? CURRENT.get() : null;
        List<Process> children = new ArrayList<>();
        for (DummyProcess p : RUNNING) {
            if (p.parent == self) {
                children.add(p);
            }
        }
        return children;
    }

    /**
     * Runs {@code body}, a {@code ThreadPool} worker thread's whole work, in the calling thread as a dummy
     * process named as the thread (Python's pool workers in {@code multiprocessing.dummy} are dummy
     * processes). It is alive while {@code body} runs, and ends with exit code 0, or 1 if {@code body} throws.
     *
     * @param body the worker's loop
     */
    public static void runAsWorker(Runnable body) {
        Thread self = Thread.currentThread();
        DummyProcess p = new DummyProcess(self.getName());
        p.setDaemon(self.isDaemon());
        CompletableFuture<Integer> e = new CompletableFuture<>();
        synchronized (p) {
            p.thread = self;
            p.exit = e;
        }
        int code = 1;
        try {
            ScopedValue.where(CURRENT, p).run(body);
            code = 0;
        } finally {
            e.complete(code);
        }
    }

    @Override
    public void start() {
        Thread t;
        synchronized (this) {
            checkOpen();
            if (exit != null) {
                throw new IllegalStateException("cannot start a process twice");
            }
            CompletableFuture<Integer> e = new CompletableFuture<>();
            t = Thread.ofPlatform().name(name()).daemon(isDaemon()).unstarted(() -> body(e));
            thread = t;
            exit = e;
            parent = CURRENT.isBound() ? CURRENT.get() : null;
            RUNNING.add(this);
        }
        try {
            t.start();
        } catch (RuntimeException | Error failed) {
            RUNNING.remove(this);
            exit.complete(1);
            throw failed;
        }
    }

    private void body(CompletableFuture<Integer> e) {
        int code = 0;
        try {
            ScopedValue.where(CURRENT, this).run(this::run);
        } catch (Throwable t) {
            System.err.println("Process " + name() + ":");
            t.printStackTrace();
            code = 1;
        } finally {
            RUNNING.remove(this);
        }
        e.complete(code);
    }

    /** @return the name, which is its thread's once started (a rename of either renames both) */
    @Override
    public String name() {
        Thread t = thread;
        return t != null ? t.getName() : super.name();
    }

    @Override
    public void setName(String name) {
        super.setName(name);
        Thread t = thread;
        if (t != null) {
            t.setName(name);
        }
    }

    @Override
    public void join() {
        join(null);
    }

    @Override
    public boolean join(Duration timeout) {
        CompletableFuture<Integer> e;
        synchronized (this) {
            checkOpen();
            e = exit;
            if (e == null) {
                throw new IllegalStateException("can only join a started process");
            }
            if (thread == Thread.currentThread()) {
                throw new IllegalStateException("cannot join the current process");
            }
        }
        return ExitWaits.await(e, timeout, name());
    }

    @Override
    public boolean isAlive() {
        synchronized (this) {
            checkOpen();
        }
        CompletableFuture<Integer> e = exit;
        return e != null && !e.isDone();
    }

    @Override
    public synchronized void setDaemon(boolean daemon) {
        if (exit != null) {
            throw new IllegalStateException("process has already started");
        }
        super.setDaemon(daemon);
    }

    /** @return this JVM's pid once started (the process is a thread of it); empty before */
    @Override
    public OptionalLong pid() {
        synchronized (this) {
            checkOpen();
        }
        return exit == null ? OptionalLong.empty() : OptionalLong.of(ProcessHandle.current().pid());
    }

    /** @return empty while running (or before start); 0 when run() returned; 1 when it threw */
    @Override
    public OptionalInt exitCode() {
        synchronized (this) {
            checkOpen();
        }
        CompletableFuture<Integer> e = exit;
        return e == null || !e.isDone() ? OptionalInt.empty() : OptionalInt.of(e.join());
    }

    @Override
    public Sentinel sentinel() {
        synchronized (this) {
            checkOpen();
        }
        return new ExitSentinel(this, ExitWaits.started(exit));
    }

    /** @throws UnsupportedOperationException always: a thread cannot be terminated */
    @Override
    public void terminate() {
        throw new UnsupportedOperationException("a dummy process is a thread, which cannot be terminated");
    }

    /** @throws UnsupportedOperationException always: a thread cannot be killed */
    @Override
    public void kill() {
        throw new UnsupportedOperationException("a dummy process is a thread, which cannot be killed");
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        if (exit != null && !exit.isDone()) {
            throw new IllegalStateException("Cannot close a process while it is still running. "
                    + "You should first call join().");
        }
        super.setName(name());
        closed = true;
        thread = null;
    }

    @Override
    public String toString() {
        CompletableFuture<Integer> e = exit;
        String state;
        synchronized (this) {
            state = closed ? "closed" : e == null ? "initial" : !e.isDone() ? "started"
                    : "stopped exitcode=" + e.join();
        }
        return "<DummyProcess name='" + name() + "' " + state + (isDaemon() ? " daemon" : "") + ">";
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("process object is closed");
        }
    }

    @Serial
    private void writeObject(ObjectOutputStream out) throws IOException {
        throw new NotSerializableException("a dummy process is a thread of this JVM and cannot be sent to another");
    }
}
