package dev.mp4j.multiprocessing;

import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.internal.child.ProcessJob;
import dev.mp4j.internal.conn.ExitSentinel;
import dev.mp4j.internal.jfr.Events;
import dev.mp4j.internal.spawn.AotCache;
import dev.mp4j.internal.spawn.ChildJvm;
import dev.mp4j.internal.spawn.Identity;
import dev.mp4j.internal.spawn.Spares;
import dev.mp4j.internal.threads.ExitWaits;
import dev.mp4j.InterruptedError;
import dev.mp4j.internal.util.KeepAlive;
import dev.mp4j.internal.util.Timeouts;
import dev.mp4j.internal.util.ProcessTrees;
import dev.mp4j.internal.util.LifecycleLog;
import dev.mp4j.internal.util.OwnPid;
import dev.mp4j.internal.wire.Codec;

import java.io.IOException;
import java.io.NotSerializableException;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * Python's {@code multiprocessing.Process}: runs {@link #run()} in another JVM.
 *
 * <p>Give a target, or subclass and override {@code run()}: the object itself (with its fields, which must
 * be serializable) is sent to the child, and {@link Multiprocessing#currentProcess()} returns it there.
 *
 * <p>Lifecycle, seen from the parent (fields guarded by {@code this}):
 * <pre>
 *   initial --start()--&gt; started (pid known, alive) --child ends--&gt; stopped (exitCode known)
 *   stopped --close()--&gt; closed (most methods throw IllegalStateException)
 * </pre>
 * Exit codes: 0 when {@code run()} returns; {@code n} for {@code System.exit(n)}; 1 when {@code run()}
 * throws (the trace goes to the child's stderr, which is the parent's); {@code -N} when the process was
 * killed by signal {@code N} ({@link #terminate()} gives -15, {@link #kill()} -9). The child tells the
 * parent how it is exiting, so {@code System.exit(143)} stays 143 and is not taken for SIGTERM.
 *
 * <p>As in Python, the JVM does not exit while a non-daemon child runs; daemon children end when their
 * parent does. A daemon process may not start children.
 *
 * <p>For example:
 * {@snippet :
 * import dev.mp4j.multiprocessing.Process;   // by name: it then hides java.lang.Process
 *
 * var p = new Process(() -> System.out.println("hello bob"));   // Process(target=f, args=('bob',))
 * p.start();                                                  // a child JVM runs the target
 * p.join();
 * System.out.println(p.exitCode().getAsInt());                // 0
 * }
 *
 * @since 0.1
 */
public class Process implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private SerializableRunnable target;            // dropped in the parent once sent, as CPython's start() does
    private final int[] identity;
    private String name;
    private boolean daemon;
    private byte[] authkey;

    /** The context that starts it; null: the default context at start(). */
    private transient volatile Contexts.Base context;
    private transient ChildJvm jvm;                          // guarded by this
    private transient volatile CompletableFuture<Integer> exit;
    private transient ExitWatch.Watch watch;                 // guarded by this: set with exit
    private transient volatile long pid = -1;
    private transient boolean closed;                       // guarded by this
    private transient boolean starting;                     // guarded by this: start() is booting the JVM
    private transient volatile boolean signalled;           // terminate() or kill() signalled it

    /**
     * A process that will run {@code target}.
     *
     * @param target what {@link #run()} runs in the child
     */
    public Process(SerializableRunnable target) {
        this(target, null);
    }

    /**
     * A process that will run {@code target}, named {@code name}.
     *
     * @param target what {@link #run()} runs in the child; null runs nothing
     * @param name the name; null for {@code Process-N1:N2...}
     */
    public Process(SerializableRunnable target, String name) {
        Identity.Known parent = Identity.current();
        this.target = target;
        this.identity = Identity.childIdentity(parent);
        Class<?> type = getClass();
        String kind = type == Process.class ? "Process" : type.getSimpleName(); // a plain one's, without reflection
        this.name = name != null ? name : Identity.name(kind.isEmpty() ? "Process" : kind, identity);
        this.daemon = parent.daemon();
        this.authkey = parent.authkey().clone();
    }

    /** For subclasses that override {@link #run()}; the instance is sent to the child. */
    protected Process() {
        this(null, null);
    }

    /** A process this JVM did not start: itself (the main process, a child), or its parent. */
    Process(String name, long pid, byte[] authkey, boolean daemon, int[] identity) {
        this.target = null;
        this.identity = identity;
        this.name = name;
        this.daemon = daemon;
        this.authkey = authkey;
        this.pid = pid;
    }

    /** What the child runs: the target, if one was given. Subclasses override it. */
    public void run() {
        if (target != null) {
            target.run();
        }
    }

    /**
     * Starts the child JVM and runs {@link #run()} there. At most once.
     *
     * @throws IllegalStateException if already started, closed, or called in a daemon process
     * @throws IllegalArgumentException if this process (its target or fields) cannot be serialized
     * @throws ProcessError if the child JVM cannot be started
     */
    public void start() {
        Contexts.Base ctx = context != null ? context : Contexts.defaultContext();
        Preparation prep;
        synchronized (this) {
            checkOpen();
            if (exit != null || starting) {
                throw new IllegalStateException("cannot start a process twice");
            }
            Identity.Known self = Identity.current();
            if (self.daemon()) {
                throw new IllegalStateException("daemonic processes are not allowed to have children");
            }
            prep = new Preparation(this, ctx, job(self.name(), ctx.startMethod(), null), target);
            if (!prep.afterExec) {
                prep.encoding = encode(prep.form);
                if (prep.encoding.isCompletedExceptionally()) {
                    encoded(prep.encoding); // throws
                }
            }
            starting = true;
        }
        if (!prep.afterExec) {
            prep.noteClasses();
        }
        ChildJvm child;
        byte[] job;
        long began = System.nanoTime();
        try {
            if (!prep.afterExec) {
                ctx.checkReachable(getClass(), prep.targetType);
            }
            child = ctx.obtain(prep.afterExec ? prep : NotTold.INSTANCE);
            if (prep.unreachable != null || prep.failed != null) {
                end(child);
                if (prep.failed != null) {
                    synchronized (this) {
                        starting = false;
                    }
                    throw prep.failed;
                }
                throw prep.unreachable;
            }
            try {
                job = encoded(prep.encoding);
            } catch (RuntimeException | Error notSent) { // an Error too (a target too deep to encode): no child left
                end(child);
                synchronized (this) {
                    starting = false;
                }
                throw notSent;
            }
            child.name(name);
            child.sendJob(ProcessJob.withLifecycleLevel(job, LifecycleLog.levelForChildren()), ctx.filter());
        } catch (IOException e) {
            synchronized (this) {
                starting = false;
            }
            if (prep.encoding == null) {
                prep.encodeHere(); // the child could not be started before its job was encoded
            }
            if (prep.encoding.handle((bytes, failure) -> failure).join() != null) {
                encoded(prep.encoding); // the job's own failure first, as when it is encoded before the child starts
            }
            // then what was found once the child's OS process was started, before the child's own failure to boot
            // (which ending it for that causes)
            if (prep.failed != null) {
                throw prep.failed;
            }
            IOException why = prep.unreachable != null ? prep.unreachable : e;
            Events.spawnFailure("cannot start " + name + ": " + why.getMessage());
            throw new ProcessError("cannot start " + name + ": " + why.getMessage(), why);
        }
        Events.workerStart(name, child.pid(), ctx.startMethod(), System.nanoTime() - began,
                child.process().toHandle());
        synchronized (this) {
            jvm = child;
            pid = child.pid();
            exit = new CompletableFuture<>();
            starting = false;
            target = null;
            if (!daemon) {
                KeepAlive.begin();
            }
            Multiprocessing.childStarted(this);
            Multiprocessing.log(System.Logger.Level.DEBUG, new Started(this));
        }
        Watch told = new Watch(this, child.pid());
        ExitWatch.Watch w = ExitWatch.watch(child, exit, told, told);
        synchronized (this) {
            watch = w;
        }
    }

    // The suppliers and callbacks of start() are classes, not lambdas: each lambda's first use spins a class,
    // which a fresh JVM's first start() would pay for between the child's hello and join().

    /** What {@code obtain} tells start() of the OS process as soon as it exists: nothing, start() waits for the child. */
    private static final class NotTold implements java.util.function.Consumer<java.lang.Process> {
        static final NotTold INSTANCE = new NotTold();

        @Override
        public void accept(java.lang.Process started) {
            // nothing to do before the child has connected
        }
    }

    /**
     * What start() makes of a process before its child runs it: the job's bytes, the target's class, the notes
     * of both classes for the children's AOT cache and the next forkserver spare, and the check that a child
     * can load them. A JVM's first spawn start makes them once the child's OS process is started ({@link
     * #accept}, on the caller's thread, which would otherwise wait for the child to connect), not before: a
     * fresh JVM loads and runs the codec for the first time then (10-20 ms here), which the child's exec would
     * wait for, and the child boots meanwhile (a job that cannot be sent ends that child, see {@link #end}).
     * Other starts make them first, the first forkserver start encoding the job on a thread of its own meanwhile
     * ({@link #encode}): its spare is booted already, and the next one is booted with the classes noted.
     */
    private static final class Preparation implements java.util.function.Consumer<java.lang.Process> {
        final Process process;
        final Contexts.Base ctx;
        final ProcessJob form;
        final SerializableRunnable target;
        /** Whether all of it is made once the child's OS process is started. */
        final boolean afterExec;
        CompletableFuture<byte[]> encoding;
        Class<?> targetType;
        /** Why a child cannot load the classes, when made after the exec. */
        IOException unreachable;
        /** What else failed, when made after the exec: thrown once the child is ended. */
        RuntimeException failed;

        Preparation(Process process, Contexts.Base ctx, ProcessJob form, SerializableRunnable target) {
            this.process = process;
            this.ctx = ctx;
            this.form = form;
            this.target = target;
            this.afterExec = !encodedBefore && ctx.method().equals(Contexts.SPAWN);
            if (!afterExec) {
                targetType = target != null ? Codec.codeClass(target) : null;
            }
        }

        /** The child's OS process is started: makes it all now, on the starting thread, while the child boots. */
        @Override
        public void accept(java.lang.Process started) {
            encodeHere();
            try {
                targetType = target != null ? Codec.codeClass(target) : null;
                noteClasses();
                ctx.checkReachable(process.getClass(), targetType);
            } catch (IOException e) {
                unreachable = e;
            } catch (RuntimeException e) {
                failed = e; // not thrown here: the child would be left booting
            }
            if (unreachable != null || failed != null) {
                started.destroyForcibly(); // not waited for: the start fails as soon as it finds the child gone
            }
        }

        /** Encodes the job on the calling thread. */
        void encodeHere() {
            Encode e = new Encode(form);
            e.run();
            encoding = e.bytes;
        }

        /** Notes the classes, unless the last start noted the same. */
        void noteClasses() {
            Class<?> type = process.getClass();
            Noted noted = lastNoted;
            if (noted == null || noted.spec != ctx.spec() || !noted.method.equals(ctx.method()) || noted.process != type
                    || noted.target != targetType) {
                AotCache.noteJobClass(type);
                if (targetType != null) {
                    AotCache.noteJobClass(targetType);
                }
                if (ctx.method().equals(Contexts.FORKSERVER)) {
                    Spares.noteJob(ctx.spec(), type != Process.class ? type : null, targetType);
                }
                lastNoted = new Noted(ctx.spec(), ctx.method(), type, targetType);
            }
        }
    }

    /** The message of a started process, logged when it is. */
    private static final class Started implements java.util.function.Supplier<String> {
        private final Process process;

        Started(Process process) {
            this.process = process;
        }

        @Override
        public String get() {
            return "started ".concat(process.toString());
        }
    }

    /** What {@link ExitWatch} asks of a started process, and tells it once its child has exited. */
    private static final class Watch implements java.util.function.BooleanSupplier, java.util.function.IntConsumer {
        private final Process process;
        private final long pid;

        Watch(Process process, long pid) {
            this.process = process;
            this.pid = pid;
        }

        /** @return whether this JVM signalled the child */
        @Override
        public boolean getAsBoolean() {
            return process.signalled;
        }

        /** The child exited with {@code code}. */
        @Override
        public void accept(int code) {
            Events.workerExit(pid, code, process.signalled ? "killed" : code < 0 ? "lost" : "normal");
            Multiprocessing.children.remove(process);
            CompletableFuture<Integer> e;
            synchronized (process) {
                e = process.exit;
            }
            // completed here, before the work ends: the stage's dependents (onExit callbacks) run before this
            // JVM may exit for want of work, in a program whose main thread returned without joining
            e.complete(code);
            if (!process.daemon) {
                KeepAlive.end();
            }
        }
    }

    /**
     * What the last start noted of its classes for the children's AOT cache and the next forkserver spare: a
     * start of the same classes with the same launch settings notes nothing again (the notes are as they were
     * left, and a paced start would run their look-ups interpreted each time).
     */
    private static volatile Noted lastNoted;

    /**
     * The launch settings, the start method (spawn and forkserver share their settings, and only a forkserver
     * start notes the classes for the next spare), the process's class and its target's (or null) of a start.
     */
    private static final class Noted {
        final Object spec;
        final String method;
        final Class<?> process;
        final Class<?> target;

        Noted(Object spec, String method, Class<?> process, Class<?> target) {
            this.spec = spec;
            this.method = method;
            this.process = process;
            this.target = target;
        }
    }

    /** Whether this JVM has encoded a job: its first is encoded while its child boots. */
    private static volatile boolean encodedBefore;

    /**
     * Encodes a job: at once, or, the first time in this JVM (a forkserver start's: a first spawn start encodes
     * after the exec, see {@link Preparation}), on a thread of its own while the caller takes the child. Cold,
     * the first encoding takes tens of milliseconds (the codec's classes loaded, its code interpreted); a job
     * that cannot be encoded then ends the child it was given ({@link #end}).
     */
    private static CompletableFuture<byte[]> encode(ProcessJob form) {
        Encode encode = new Encode(form);
        if (encodedBefore) {
            encode.run();
        } else {
            Thread.ofPlatform().daemon().name("mp4j-encode-job").start(encode);
        }
        return encode.bytes;
    }

    /** Encodes a job into {@link #bytes} (a class, not a lambda: on a fresh JVM's first start a lambda costs more). */
    private static final class Encode implements Runnable {
        private final ProcessJob form;
        final CompletableFuture<byte[]> bytes = new CompletableFuture<>();

        Encode(ProcessJob form) {
            this.form = form;
        }

        @Override
        public void run() {
            try {
                bytes.complete(form.encode());
                encodedBefore = true;
            } catch (IOException | RuntimeException | Error e) {
                bytes.completeExceptionally(e);
            }
        }
    }

    /**
     * @param encoding from {@link #encode}
     * @return the job's bytes, once encoded
     * @throws IllegalArgumentException if the job cannot be serialized
     */
    private byte[] encoded(CompletableFuture<byte[]> encoding) {
        try {
            return encoding.join();
        } catch (java.util.concurrent.CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof NotSerializableException n) {
                throw new IllegalArgumentException("cannot send " + this + " to a child JVM: " + n.getMessage()
                        + " is not serializable (a target's captured values must be serializable)", n);
            }
            if (cause instanceof IOException io) {
                throw new IllegalArgumentException("cannot send " + this + " to a child JVM: " + io, io);
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw cause instanceof RuntimeException r ? r : e;
        }
    }

    /** Ends a child that was booted for a job that cannot be sent, and waits until it has exited. */
    private static void end(ChildJvm child) {
        child.release();
        child.process().destroyForcibly();
        try {
            child.process().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until the process ends. */
    public void join() {
        join(null);
    }

    /**
     * Waits at most {@code timeout} for the process to end.
     *
     * @param timeout the longest wait; null for none; negative counts as zero
     * @return true if the process has ended
     * @throws IllegalStateException if the process was not started, or is the current process
     */
    public boolean join(Duration timeout) {
        CompletableFuture<Integer> e;
        ExitWatch.Watch w;
        synchronized (this) {
            checkOpen();
            if (this == Multiprocessing.currentProcess()) {
                throw new IllegalStateException("can only join a child process");
            }
            e = exit;
            if (e == null) {
                throw new IllegalStateException("can only join a started process");
            }
            w = watch;
        }
        if (w != null && !e.isDone() && !Thread.currentThread().isInterrupted()) { // else raised as before
            // Waits for the child's end here, woken by the JDK's reaper, rather than for the watch's thread to
            // be woken by it and then wake this one: a thread fewer between the child's exit and join().
            long nanos = Timeouts.toNanos(timeout);
            long deadline = Timeouts.deadline(nanos);
            try {
                if (!w.awaitEnd(nanos)) {
                    return e.isDone();
                }
            } catch (InterruptedException ie) {
                throw InterruptedError.restore(ie);
            }
            if (nanos != Timeouts.FOREVER) {
                timeout = Timeouts.toDuration(Timeouts.remaining(deadline));
            }
        }
        return ExitWaits.await(e, timeout, name);
    }

    /** @return true from start() until the process ends; true for the current process */
    public boolean isAlive() {
        synchronized (this) {
            checkOpen();
        }
        if (this == Multiprocessing.currentProcess()) {
            return true;
        }
        if (this instanceof ParentProcess) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
        CompletableFuture<Integer> e = exit;
        return e != null && !e.isDone();
    }

    /** @return the name (not unique; used in logs and messages) */
    public String name() {
        return name;
    }

    /** @param name the new name */
    public void setName(String name) {
        this.name = java.util.Objects.requireNonNull(name, "name");
    }

    /** @return whether this is a daemon process */
    public boolean isDaemon() {
        return daemon;
    }

    /**
     * @param daemon whether the process is a daemon: it ends with its parent, and may not have children
     * @throws IllegalStateException after start()
     */
    public synchronized void setDaemon(boolean daemon) {
        if (exit != null || starting) {
            throw new IllegalStateException("process has already started");
        }
        this.daemon = daemon;
    }

    /** @return the pid, empty before start() */
    public OptionalLong pid() {
        synchronized (this) {
            checkOpen();
        }
        long p = pid;
        return p < 0 ? OptionalLong.empty() : OptionalLong.of(p);
    }

    /**
     * @return empty while running (or before start); 0 for a normal end; {@code n} for System.exit(n); 1
     *     for an uncaught exception; {@code -N} for signal N
     */
    public OptionalInt exitCode() {
        synchronized (this) {
            checkOpen();
        }
        CompletableFuture<Integer> e = exit;
        if (e == null || !e.isDone() || e.isCompletedExceptionally()) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(e.join());
    }

    /** @return a copy of the authentication key (inherited from the parent; random in the main process) */
    public byte[] authkey() {
        return authkey.clone();
    }

    /** @param key the new authentication key */
    public void setAuthkey(byte[] key) {
        this.authkey = java.util.Objects.requireNonNull(key, "key").clone();
    }

    /**
     * @return something that becomes ready when the process ends, for {@code Connections.wait}
     * @throws IllegalStateException before start()
     */
    public Sentinel sentinel() {
        synchronized (this) {
            checkOpen();
        }
        return new ExitSentinel(this, ExitWaits.started(exit));
    }

    /**
     * Sends SIGTERM: the child ends at once with exit code -15. The processes the child started get SIGTERM
     * too (unlike Python's, which leaves them orphaned).
     */
    public void terminate() {
        signal(false);
    }

    /** Sends SIGKILL: exit code -9. The processes the child started are killed too. */
    public void kill() {
        signal(true);
    }

    /**
     * A stage that completes with this process once it has ended (its exit code is then known).
     * Cancelling or completing the returned stage does not touch the process. Its dependents run on the thread
     * that saw the end: mp4j's watch of the process, or a thread whose {@link #join} saw it first (which returns
     * once they have run); chain them with an {@code ...Async} method to keep them off it.
     *
     * @return a new stage on every call
     * @throws IllegalStateException before {@link #start()}, or for a process this JVM did not start
     */
    public CompletableFuture<Process> onExit() {
        CompletableFuture<Integer> e;
        synchronized (this) {
            checkOpen();
            e = exit;
        }
        if (e == null) {
            throw new IllegalStateException("can only watch the exit of a started child process: " + this);
        }
        return e.thenApply(code -> this);
    }

    private void signal(boolean force) {
        ChildJvm j;
        synchronized (this) {
            checkOpen();
            j = jvm;
        }
        if (j != null && j.process().isAlive()) {
            List<ProcessHandle> descendants = ProcessTrees.descendants(j.process().toHandle());
            signalled = true;
            if (force) {
                j.process().destroyForcibly();
            } else {
                j.terminate();
            }
            ProcessTrees.signal(descendants, force);
        }
    }

    /**
     * Releases what the parent holds for this process. Afterwards most methods throw
     * {@link IllegalStateException}. Closing twice does nothing.
     *
     * @throws IllegalStateException if the process is still running
     */
    public synchronized void close() {
        if (closed) {
            return;
        }
        if (starting || (exit != null && !exit.isDone())) {
            throw new IllegalStateException("Cannot close a process while it is still running. "
                    + "You should first call join() or terminate().");
        }
        if (jvm != null) {
            jvm.release();
            jvm = null;
        }
        closed = true;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("<").append(getClass().getSimpleName().isEmpty() ? "Process" : getClass().getSimpleName())
                .append(" name='").append(name).append('\'');
        CompletableFuture<Integer> e = exit;
        if (pid >= 0 && this != Multiprocessing.currentProcess()) {
            sb.append(" pid=").append(pid);
        }
        if (this == Multiprocessing.currentProcess()) {
            sb.append(" started");
        } else if (closed) {
            sb.append(" closed");
        } else if (e == null) {
            sb.append(" initial");
        } else if (e.isDone()) {
            sb.append(" stopped");
            exitCode().ifPresent(c -> sb.append(" exitcode=").append(c));
        } else {
            sb.append(" started");
        }
        if (daemon) {
            sb.append(" daemon");
        }
        return sb.append('>').toString();
    }

    // ---------------------------------------------------------------- package

    int[] identity() {
        return identity.clone();
    }

    /**
     * @param parentName the name of this JVM's process, the child's parent
     * @param startMethod the start method, which the child takes as its default
     * @return the job that makes a child this process: a plain one as its fields and target, an instance
     *     of a subclass whole (its class may add state and a {@code readObject})
     */
    ProcessJob job(String parentName, String startMethod) {
        return job(parentName, startMethod, LifecycleLog.levelForChildren());
    }

    /**
     * @param lifecycleLevel the lowest level of the lifecycle messages the child logs, or null for none
     * @return as {@link #job(String, String)}, with that level
     */
    private ProcessJob job(String parentName, String startMethod, System.Logger.Level lifecycleLevel) {
        boolean plain = getClass() == Process.class;
        return new ProcessJob(identity.clone(), name, daemon, authkey.clone(), parentName, OwnPid.get(),
                Identity.logLevel(), lifecycleLevel, startMethod, plain ? target : null, plain ? null : this);
    }

    void bindContext(Contexts.Base ctx) {
        this.context = ctx;
    }

    /**
     * @return the process this JVM is: the object made of its {@link Identity} the first time it is asked
     *     for (or the one its job brought), the same object from then on
     */
    static Process current() {
        while (true) {
            Identity.Self self = Identity.self();
            if (self instanceof Current c) {
                return c.process();
            }
            Identity.Known k = self.known();
            Process p = k.process() instanceof Process brought ? brought
                    : new Process(k.name(), k.pid(), k.authkey().clone(), k.daemon(), k.identity().clone());
            p.pid = k.pid(); // a process sent whole arrives without one (it is transient)
            if (Identity.adopt(self, new Current(p))) {
                return p;
            }
        }
    }

    /** @return the parent of this JVM's process, made as {@link #current()} is; null in a main JVM */
    static Process parent() {
        while (true) {
            Identity.Self parent = Identity.parent();
            if (parent == null) {
                return null;
            }
            if (parent instanceof Current c) {
                return c.process();
            }
            Identity.Known k = parent.known();
            Process p = new ParentProcess(k.name(), k.pid(), k.authkey().clone());
            if (Identity.adoptParent(parent, new Current(p))) {
                return p;
            }
        }
    }

    /** A process of this JVM's {@link Identity}, read as the object is now (renamed, made a daemon...). */
    private record Current(Process process) implements Identity.Self {
        @Override
        public Identity.Known known() {
            return new Identity.Known(process.name, process.pid, process.authkey(), process.daemon, process.identity(),
                    process);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("process object is closed");
        }
    }
}
