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
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * The process of {@code Multiprocessing.dummy()}: Python's {@code multiprocessing.dummy.DummyProcess}, a
 * thread of this JVM behind the {@link Process} API ("DummyProcess-N").
 *
 * <p>States (fields guarded by {@code this}; {@code exit} also volatile):
 * <pre>
 *   initial --start()--&gt; started (alive) --run() returns or throws--&gt; stopped (exit code 0 or 1)
 *   stopped --close()--&gt; closed
 * </pre>
 * An exception from {@code run()} is printed to stderr, as a child's would be, and gives exit code 1. A
 * thread cannot be killed: {@link #terminate()} and {@link #kill()} throw {@link UnsupportedOperationException}.
 */
final class DummyProcess extends Process {
    @Serial
    private static final long serialVersionUID = 1L;

    private transient Thread thread;
    private transient volatile CompletableFuture<Integer> exit;
    private transient boolean closed;

    DummyProcess(SerializableRunnable target) {
        super(target);
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
        }
        t.start();
    }

    private void body(CompletableFuture<Integer> e) {
        int code = 0;
        try {
            run();
        } catch (Throwable t) {
            System.err.println("Process " + name() + ":");
            t.printStackTrace();
            code = 1;
        }
        e.complete(code);
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
